package mmsenc

// field is a PDU header the encoder knows, apart from the three that lead
// every PDU (Message-Type, Transaction-ID, MMS-Version).
type field int

const (
	fTransactionID field = iota
	fMessageID
	fDate
	fFrom
	fTo
	fCc
	fBcc
	fSubject
	fMessageClass
	fPriority
	fMessageSize
	fExpiry
	fDeliveryTime
	fContentLocation
	fStatus
	fReadStatus
	fReportAllowed
	fDeliveryReport
	fReadReport
	fResponseStatus
	fResponseText
	fRetrieveStatus
	fRetrieveText
	fSenderVisibility
	fContentType
	numFields
)

var fieldNames = [numFields]string{
	fTransactionID:    "X-Mms-Transaction-ID",
	fMessageID:        "Message-ID",
	fDate:             "Date",
	fFrom:             "From",
	fTo:               "To",
	fCc:               "Cc",
	fBcc:              "Bcc",
	fSubject:          "Subject",
	fMessageClass:     "X-Mms-Message-Class",
	fPriority:         "X-Mms-Priority",
	fMessageSize:      "X-Mms-Message-Size",
	fExpiry:           "X-Mms-Expiry",
	fDeliveryTime:     "X-Mms-Delivery-Time",
	fContentLocation:  "X-Mms-Content-Location",
	fStatus:           "X-Mms-Status",
	fReadStatus:       "X-Mms-Read-Status",
	fReportAllowed:    "X-Mms-Report-Allowed",
	fDeliveryReport:   "X-Mms-Delivery-Report",
	fReadReport:       "X-Mms-Read-Report",
	fResponseStatus:   "X-Mms-Response-Status",
	fResponseText:     "X-Mms-Response-Text",
	fRetrieveStatus:   "X-Mms-Retrieve-Status",
	fRetrieveText:     "X-Mms-Retrieve-Text",
	fSenderVisibility: "X-Mms-Sender-Visibility",
	fContentType:      "Content-Type",
}

func (f field) String() string { return fieldNames[f] }

// slot is one header of a PDU type, in the order Encode writes it.
type slot struct {
	f         field
	mandatory bool
}

// layouts is mms-encoding.md §6 as data: the headers each type may carry, in
// the order of the worked examples of §13, so that those examples come out
// byte for byte. Transaction-ID comes first in the list because rule 1 puts
// it between Message-Type and MMS-Version; Content-Type comes last because
// the body follows it.
var layouts = map[MessageType][]slot{
	SendReq: {
		{fTransactionID, true}, {fDate, false}, {fFrom, true},
		{fTo, false}, {fCc, false}, {fBcc, false}, {fSubject, false},
		{fMessageClass, false}, {fExpiry, false}, {fDeliveryTime, false}, {fPriority, false},
		{fSenderVisibility, false}, {fDeliveryReport, false}, {fReadReport, false},
		{fContentType, true},
	},
	SendConf: {
		{fTransactionID, true}, {fResponseStatus, true}, {fResponseText, false},
		{fMessageID, false}, {fContentLocation, false},
	},
	NotificationInd: {
		{fTransactionID, true}, {fFrom, false}, {fSubject, false},
		{fMessageClass, true}, {fPriority, false}, {fMessageSize, true},
		{fExpiry, true}, {fDeliveryReport, false}, {fContentLocation, true},
	},
	NotifyRespInd: {
		{fTransactionID, true}, {fStatus, true}, {fReportAllowed, false},
	},
	RetrieveConf: {
		{fTransactionID, false}, {fMessageID, false}, {fDate, true},
		{fFrom, false}, {fTo, false}, {fCc, false}, {fSubject, false},
		{fMessageClass, false}, {fPriority, false}, {fDeliveryReport, false},
		{fReadReport, false}, {fRetrieveStatus, false}, {fRetrieveText, false},
		{fContentType, true},
	},
	AcknowledgeInd: {
		{fTransactionID, true}, {fReportAllowed, false},
	},
	DeliveryInd: {
		{fMessageID, true}, {fTo, true}, {fDate, true}, {fStatus, true},
	},
	ReadRecInd: {
		{fMessageID, true}, {fTo, true}, {fFrom, true}, {fDate, false},
		{fReadStatus, true},
	},
	ReadOrigInd: {
		{fMessageID, true}, {fTo, true}, {fFrom, true}, {fDate, true},
		{fReadStatus, true},
	},
	// OMA-TS-MMS_ENC 1.3 §6.6.1 and §6.6.2.
	ForwardReq: {
		{fTransactionID, true}, {fDate, false}, {fFrom, true},
		{fTo, false}, {fCc, false}, {fBcc, false}, {fExpiry, false}, {fDeliveryTime, false},
		{fReportAllowed, false}, {fDeliveryReport, false}, {fReadReport, false},
		{fContentLocation, true},
	},
	ForwardConf: {
		{fTransactionID, true}, {fResponseStatus, true}, {fResponseText, false}, {fMessageID, false},
	},
}

// has reports whether p sets f.
func (p *PDU) has(f field) bool {
	switch f {
	case fTransactionID:
		return p.TransactionID != ""
	case fMessageID:
		return p.MessageID != ""
	case fDate:
		return !p.Date.IsZero()
	case fFrom:
		return p.From != "" || p.FromInsert
	case fTo:
		return len(p.To) > 0
	case fCc:
		return len(p.Cc) > 0
	case fBcc:
		return len(p.Bcc) > 0
	case fSubject:
		return p.Subject != ""
	case fMessageClass:
		return p.MessageClass != ""
	case fPriority:
		return p.Priority != ""
	case fMessageSize:
		return p.MessageSize != 0
	case fExpiry:
		return p.ExpiryRelative != 0 || !p.Expiry.IsZero()
	case fDeliveryTime:
		return p.DeliveryTimeRelative != 0 || !p.DeliveryTime.IsZero()
	case fContentLocation:
		return p.ContentLocation != ""
	case fStatus:
		return p.Status != 0
	case fReadStatus:
		return p.ReadStatus != 0
	case fReportAllowed:
		return p.ReportAllowed != nil
	case fDeliveryReport:
		return p.DeliveryReport != nil
	case fReadReport:
		return p.ReadReport != nil
	case fResponseStatus:
		return p.ResponseStatus != 0
	case fResponseText:
		return p.ResponseText != ""
	case fRetrieveStatus:
		return p.RetrieveStatus != 0
	case fRetrieveText:
		return p.RetrieveText != ""
	case fSenderVisibility:
		return p.SenderVisibility != 0
	case fContentType:
		return p.ContentType != "" || len(p.Parts) > 0
	}
	return false
}
