package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// DeliveryReport is an MM4_delivery_report.REQ: what happened to an MM at
// one recipient, sent by the recipient's MMSC to the original sender
// (mm4.md §4.3). Relative to the MM, From and To are swapped (§8).
type DeliveryReport struct {
	TransactionID string // new for the report; the DR.RES echoes it
	MessageID     string // X-Mms-Message-ID of the original MM
	From          string // the recipient the report is about
	To            string // the original sender
	MMStatus      string // X-Mms-MM-Status-Code, an MMStatus* constant (§6.2)

	// StatusExtension details Rejected: a StatusExtension* constant (§6.3)
	// or "".
	StatusExtension string
	StatusText      string // optional, human-readable

	// OriginatorSystem is where the DR.RES goes; it is also written as
	// Sender. On input it falls back to Sender when the header is absent.
	OriginatorSystem string
	AckRequest       bool // X-Mms-Ack-Request: Yes asks for a DR.RES

	// NoForwardToOriginatorUA is X-Mms-Forward-To-Originator-UA: No: the
	// report serves the originator MMSC only, and must not become an
	// m-delivery-ind for the sender's handset (§4.3, §8). Absent means Yes.
	NoForwardToOriginatorUA bool

	Date time.Time // when the MM reached the state
}

// BuildDeliveryReport writes an MM4_delivery_report.REQ in the form of
// mm4.md §12.3, with no body. MMStatus is written in its canonical
// spelling and must be one of §6.2; zero Date means now.
func BuildDeliveryReport(r DeliveryReport) ([]byte, error) {
	status, ext, err := r.check()
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", TypeDeliveryReportReq, err)
	}
	date := orNow(r.Date)
	var b bytes.Buffer
	writeReportHead(&b, TypeDeliveryReportReq, r.From, r.To, r.OriginatorSystem, date, r.TransactionID, r.MessageID, r.AckRequest)
	if r.NoForwardToOriginatorUA {
		writeField(&b, "X-Mms-Forward-To-Originator-UA", "No")
	} else {
		writeField(&b, "X-Mms-Forward-To-Originator-UA", "Yes")
	}
	writeField(&b, "X-Mms-MM-Status-Code", status)
	if ext != "" {
		writeField(&b, "X-Mms-MM-Status-Extension", ext)
	}
	if r.StatusText != "" {
		writeField(&b, "X-Mms-Status-Text", encodeText(r.StatusText, len("X-Mms-Status-Text: ")))
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// writeReportHead writes the fields the two reports share, in the order of
// mm4.md §12.3 and §12.5. The report goes from the reporting system, so
// that is the Sender and the domain of the mail's Message-ID.
func writeReportHead(b *bytes.Buffer, typ, from, to, system string, date time.Time, tid, mid string, ack bool) {
	writeField(b, "From", from)
	writeField(b, "To", to)
	writeField(b, "Sender", system)
	writeField(b, "Date", date.Format(dateLayout))
	writeField(b, "Message-ID", newMailID(date, domainOf(system)))
	writeField(b, "MIME-Version", "1.0")
	writeField(b, "X-Mms-3GPP-MMS-Version", buildVersion)
	writeField(b, "X-Mms-Message-Type", typ)
	writeID(b, "X-Mms-Transaction-ID", tid)
	writeID(b, "X-Mms-Message-ID", mid)
	if ack {
		writeField(b, "X-Mms-Ack-Request", "Yes")
	}
	writeField(b, "X-Mms-Originator-System", system)
}

// check validates r and returns its status and extension in canonical
// spelling.
func (r DeliveryReport) check() (status, ext string, err error) {
	status, ok := mmStatuses.canonical(r.MMStatus)
	switch {
	case r.MMStatus == "":
		return "", "", errors.New("no MMStatus")
	case strings.EqualFold(r.MMStatus, "Unreachable"):
		return "", "", errors.New("MMStatus Unreachable is MM1 only: send Indeterminate (mm4.md §6.2)")
	case !ok:
		return "", "", fmt.Errorf("MMStatus %s is not an MM status of mm4.md §6.2", mimebody.Quote(r.MMStatus))
	}
	if r.StatusExtension != "" {
		if ext, ok = statusExtensions.canonical(r.StatusExtension); !ok {
			return "", "", fmt.Errorf("StatusExtension %s is not one of mm4.md §6.3", mimebody.Quote(r.StatusExtension))
		}
	}
	return status, ext, firstError(
		checkID("TransactionID", r.TransactionID),
		checkID("MessageID", r.MessageID),
		checkAddress("From", r.From),
		checkAddress("To", r.To),
		checkAddress("OriginatorSystem", r.OriginatorSystem),
		checkText("StatusText", r.StatusText),
		checkDate("Date", r.Date),
	)
}

// parseDeliveryReport reads the fields of a DR.REQ. Mandatory are what the
// originator cannot act without: the Transaction-ID to answer, the MM's
// Message-ID, the recipient (From), the sender to tell (To) and the
// status. A missing Date is not refused (the caller has the time of
// receipt), nor a missing Forward-To-Originator-UA, which counts as Yes
// (§4.3). A status outside §6.2 is kept as sent rather than refused.
func parseDeliveryReport(f *pduHeader) *DeliveryReport {
	return &DeliveryReport{
		TransactionID:           f.need("X-Mms-Transaction-ID", f.id("X-Mms-Transaction-ID")),
		MessageID:               f.need("X-Mms-Message-ID", f.id("X-Mms-Message-ID")),
		From:                    f.need("From", f.address("From")),
		To:                      f.need("To", f.address("To")),
		MMStatus:                mmStatuses.orRaw(f.need("X-Mms-MM-Status-Code", f.get("X-Mms-MM-Status-Code"))),
		StatusExtension:         statusExtensions.orRaw(f.get("X-Mms-MM-Status-Extension")),
		StatusText:              f.text("X-Mms-Status-Text"),
		OriginatorSystem:        f.originatorSystem(),
		AckRequest:              yes(f.get("X-Mms-Ack-Request")),
		NoForwardToOriginatorUA: strings.EqualFold(f.get("X-Mms-Forward-To-Originator-UA"), "No"),
		Date:                    f.date("Date"),
	}
}
