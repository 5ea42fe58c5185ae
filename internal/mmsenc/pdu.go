package mmsenc

import (
	"fmt"
	"time"
)

// MessageType is the value of X-Mms-Message-Type, the octet on the wire.
type MessageType byte

// The PDUs an MMSC sends or receives on MM1 (mms-encoding.md §4).
const (
	SendReq         MessageType = 0x80
	SendConf        MessageType = 0x81
	NotificationInd MessageType = 0x82
	NotifyRespInd   MessageType = 0x83
	RetrieveConf    MessageType = 0x84
	AcknowledgeInd  MessageType = 0x85
	DeliveryInd     MessageType = 0x86
	ReadRecInd      MessageType = 0x87
	ReadOrigInd     MessageType = 0x88
	ForwardReq      MessageType = 0x89 // MMS 1.1: forward a message without fetching it
	ForwardConf     MessageType = 0x8A
)

var messageTypeNames = [...]string{
	"m-send-req", "m-send-conf", "m-notification-ind", "m-notifyresp-ind",
	"m-retrieve-conf", "m-acknowledge-ind", "m-delivery-ind", "m-read-rec-ind",
	"m-read-orig-ind", "m-forward-req", "m-forward-conf", "m-mbox-store-req",
	"m-mbox-store-conf", "m-mbox-view-req", "m-mbox-view-conf",
	"m-mbox-upload-req", "m-mbox-upload-conf", "m-mbox-delete-req",
	"m-mbox-delete-conf", "m-mbox-descr", "m-delete-req", "m-delete-conf",
	"m-cancel-req", "m-cancel-conf",
}

// String gives the name OMA uses, e.g. "m-notification-ind".
func (t MessageType) String() string {
	if i := int(t) - 0x80; i >= 0 && i < len(messageTypeNames) {
		return messageTypeNames[i]
	}
	return fmt.Sprintf("MessageType(0x%02X)", byte(t))
}

// Status values of X-Mms-Status (m-notifyresp-ind, m-delivery-ind).
const (
	StatusExpired       byte = 0x80
	StatusRetrieved     byte = 0x81
	StatusRejected      byte = 0x82
	StatusDeferred      byte = 0x83
	StatusUnrecognised  byte = 0x84
	StatusIndeterminate byte = 0x85
	StatusForwarded     byte = 0x86
	StatusUnreachable   byte = 0x87
)

// Values of X-Mms-Read-Status.
const (
	ReadStatusRead    byte = 0x80
	ReadStatusDeleted byte = 0x81 // deleted without being read
)

// Values of X-Mms-Response-Status and X-Mms-Retrieve-Status used by the
// MMSC; the full tables are in mms-encoding.md §5.
const (
	ResponseOk                               byte = 0x80
	ResponseErrorTransientFailure            byte = 0xC0
	ResponseErrorPermanentFailure            byte = 0xE0
	ResponseErrorPermanentServiceDenied      byte = 0xE1
	ResponseErrorPermanentFormatCorrupt      byte = 0xE2
	ResponseErrorPermanentAddressUnresolved  byte = 0xE3
	ResponseErrorPermanentNotFound           byte = 0xE4
	ResponseErrorPermanentContentNotAccepted byte = 0xE5
)

// Values of X-Mms-Sender-Visibility.
const (
	SenderHide byte = 0x80
	SenderShow byte = 0x81
)

// MMS versions (Version-value octets). DefaultVersion is what Encode writes
// when PDU.Version is 0: 1.2 is what Android and the worked examples use.
const (
	Version10      byte = 0x90
	Version11      byte = 0x91
	Version12      byte = 0x92
	Version13      byte = 0x93
	DefaultVersion      = Version12
)

// PDU is one MMS PDU. A zero or empty field is an absent header. Which
// fields a type may carry, and which it must, is the table of
// mms-encoding.md §6; Encode refuses both a missing mandatory field and a
// field the type does not have, rather than silently dropping it.
type PDU struct {
	Type          MessageType
	TransactionID string
	Version       byte // Version-value octet, 0x92 for 1.2; 0 encodes as DefaultVersion
	MessageID     string
	Date          time.Time // encoded in whole seconds; decoded in UTC

	// From is an address as in mms-encoding.md §3.1 ("+447700900123/TYPE=PLMN").
	// FromInsert asks the MMSC to insert the sender's address instead; it
	// excludes From. Neither means no From header, which is how a
	// notification hides a sender who asked to stay anonymous.
	From        string
	FromInsert  bool
	To, Cc, Bcc []string

	Subject      string
	MessageClass string // "Personal", "Advertisement", "Informational", "Auto" or a token
	Priority     string // "Low", "Normal", "High"
	MessageSize  int64  // octets

	// Expiry is absolute; ExpiryRelative, when not zero, is written instead
	// and must be a whole number of seconds.
	Expiry         time.Time
	ExpiryRelative time.Duration

	// DeliveryTime is when the sender wants the message delivered, in
	// the form of Expiry (X-Mms-Delivery-Time, m-send-req).
	DeliveryTime         time.Time
	DeliveryTimeRelative time.Duration

	ContentLocation string

	Status           byte // X-Mms-Status, e.g. StatusRetrieved
	ReadStatus       byte // X-Mms-Read-Status
	ResponseStatus   byte // X-Mms-Response-Status
	ResponseText     string
	RetrieveStatus   byte // X-Mms-Retrieve-Status
	RetrieveText     string
	SenderVisibility byte // SenderHide or SenderShow

	ReportAllowed  *bool
	DeliveryReport *bool
	ReadReport     *bool

	// ContentType is the media type of the body with its parameters, e.g.
	// `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`
	// (the unquoted start=<smil> of MMS practice is accepted too).
	// For a multipart type Parts are the entries; otherwise the body is the
	// Data of the single part.
	ContentType string
	Parts       []Part

	// Unknown holds the headers Decode did not map to a field, in order.
	// Encode writes them back after the known headers and before
	// Content-Type.
	Unknown []Header
}

// Part is one entry of a multipart body.
type Part struct {
	ContentType     string // with parameters, e.g. "text/plain; charset=utf-8"
	ContentID       string // as given, normally with angle brackets: "<smil>"
	ContentLocation string
	Data            []byte // Decode leaves this pointing into its input
}

// Header is a header kept raw. Field is the well-known field octet (e.g.
// 0x87 X-Mms-Delivery-Time) with Value its encoded value exactly as on the
// wire; or Field is 0 for an application header, with Name its name and
// Value its text.
type Header struct {
	Field byte
	Name  string
	Value []byte
}
