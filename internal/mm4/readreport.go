package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// ReadReport is an MM4_read_reply_report.REQ: a recipient read or deleted
// an MM, sent by the recipient's MMSC to the original sender (mm4.md §4.5).
// Relative to the MM, From and To are swapped (§8).
type ReadReport struct {
	TransactionID string // new for the report; the RR.RES echoes it
	MessageID     string // X-Mms-Message-ID of the original MM
	From          string // the recipient who read it
	To            string // the original sender
	ReadStatus    string // ReadStatusRead or ReadStatusDeleted (§6.4)
	StatusText    string // optional, human-readable

	// OriginatorSystem is where the RR.RES goes; it is also written as
	// Sender. On input it falls back to Sender when the header is absent.
	OriginatorSystem string
	AckRequest       bool      // X-Mms-Ack-Request: Yes asks for an RR.RES
	Date             time.Time // when it was read or deleted
}

// BuildReadReport writes an MM4_read_reply_report.REQ in the form of
// mm4.md §12.5, with no body. ReadStatus is written in its canonical
// spelling ("Deleted" stands for "Deleted without being read"); zero Date
// means now.
func BuildReadReport(r ReadReport) ([]byte, error) {
	status, err := r.check()
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", TypeReadReplyReportReq, err)
	}
	date := orNow(r.Date)
	var b bytes.Buffer
	writeReportHead(&b, TypeReadReplyReportReq, r.From, r.To, r.OriginatorSystem, date, r.TransactionID, r.MessageID, r.AckRequest)
	writeField(&b, "X-Mms-Read-Status", status)
	if r.StatusText != "" {
		writeField(&b, "X-Mms-Status-Text", encodeText(r.StatusText, len("X-Mms-Status-Text: ")))
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// check validates r and returns its read status in canonical spelling.
func (r ReadReport) check() (string, error) {
	status, ok := readStatuses.canonical(r.ReadStatus)
	switch {
	case r.ReadStatus == "":
		return "", errors.New("no ReadStatus")
	case !ok:
		return "", fmt.Errorf("ReadStatus %s is neither Read nor Deleted without being read (mm4.md §6.4)", mimebody.Quote(r.ReadStatus))
	}
	return status, firstError(
		checkID("TransactionID", r.TransactionID),
		checkID("MessageID", r.MessageID),
		checkAddress("From", r.From),
		checkAddress("To", r.To),
		checkAddress("OriginatorSystem", r.OriginatorSystem),
		checkText("StatusText", r.StatusText),
		checkDate("Date", r.Date),
	)
}

// parseReadReport reads the fields of an RR.REQ. Mandatory are the
// Transaction-ID to answer, the MM's Message-ID, the reader (From), the
// sender to tell (To) and the read status; a missing Date is not refused
// (the caller has the time of receipt). A read status outside §6.4 is kept
// as sent rather than refused.
func parseReadReport(f *pduHeader) *ReadReport {
	return &ReadReport{
		TransactionID:    f.need("X-Mms-Transaction-ID", f.id("X-Mms-Transaction-ID")),
		MessageID:        f.need("X-Mms-Message-ID", f.id("X-Mms-Message-ID")),
		From:             f.need("From", f.address("From")),
		To:               f.need("To", f.address("To")),
		ReadStatus:       readStatuses.orRaw(f.need("X-Mms-Read-Status", f.get("X-Mms-Read-Status"))),
		StatusText:       f.text("X-Mms-Status-Text"),
		OriginatorSystem: f.originatorSystem(),
		AckRequest:       yes(f.get("X-Mms-Ack-Request")),
		Date:             f.date("Date"),
	}
}
