package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// Response is one of the three answers: MM4_forward.RES,
// MM4_delivery_report.RES or MM4_read_reply_report.RES (mm4.md §4.2, §4.4,
// §4.6). It travels as its own mail to the request's
// X-Mms-Originator-System (§7).
type Response struct {
	Type          string // TypeForwardRes, TypeDeliveryReportRes or TypeReadReplyReportRes
	TransactionID string // echoed from the request
	MessageID     string // X-Mms-Message-ID echoed; optional on a read_reply_report.RES
	Status        string // X-Mms-Request-Status-Code, a Status* constant (§6.1)
	StatusText    string // optional, human-readable
	From          string // the responding system; also written as Sender
	To            string // the request's X-Mms-Originator-System
	Date          time.Time
}

// BuildResponse writes a response mail in the form of mm4.md §12.2, §12.4
// and §12.6: no body, and no Content-Type since there is no content (the
// RFC 2045 default, text/plain in US-ASCII, is what §12.2 spells out).
// Status is written in its canonical spelling and must be one of §6.1;
// zero Date means now.
func BuildResponse(r Response) ([]byte, error) {
	typ, status, err := r.check()
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", typ, err)
	}
	date := orNow(r.Date)
	var b bytes.Buffer
	writeField(&b, "From", r.From)
	writeField(&b, "Sender", r.From)
	writeField(&b, "To", r.To)
	writeField(&b, "Date", date.Format(dateLayout))
	writeField(&b, "Message-ID", newMailID(date, domainOf(r.From)))
	writeField(&b, "MIME-Version", "1.0")
	writeField(&b, "X-Mms-3GPP-MMS-Version", buildVersion)
	writeField(&b, "X-Mms-Message-Type", typ)
	writeID(&b, "X-Mms-Transaction-ID", r.TransactionID)
	if r.MessageID != "" {
		writeID(&b, "X-Mms-Message-ID", r.MessageID)
	}
	writeField(&b, "X-Mms-Request-Status-Code", status)
	if r.StatusText != "" {
		writeField(&b, "X-Mms-Status-Text", encodeText(r.StatusText, len("X-Mms-Status-Text: ")))
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// check validates r and returns its type and status in canonical spelling.
func (r Response) check() (typ, status string, err error) {
	switch typ = r.Type; {
	case typ == "":
		return "MM4 response", "", errors.New("no Type")
	case typ != TypeForwardRes && typ != TypeDeliveryReportRes && typ != TypeReadReplyReportRes:
		return "MM4 response", "", fmt.Errorf("Type %s is not one of the three responses", mimebody.Quote(typ))
	}
	status, ok := requestStatuses.canonical(r.Status)
	switch {
	case r.Status == "":
		return typ, "", errors.New("no Status")
	case !ok:
		return typ, "", fmt.Errorf("Status %s is not a request status of mm4.md §6.1", mimebody.Quote(r.Status))
	}
	// §4.2 and §4.4 make the Message-ID mandatory; §4.6 does not.
	var mid error
	if r.MessageID != "" || typ != TypeReadReplyReportRes {
		mid = checkID("MessageID", r.MessageID)
	}
	return typ, status, firstError(
		checkID("TransactionID", r.TransactionID),
		mid,
		checkText("StatusText", r.StatusText),
		checkAddress("From", r.From),
		checkAddress("To", r.To),
		checkDate("Date", r.Date),
	)
}

// parseResponse reads the fields of a .RES. The Transaction-ID and the
// status are mandatory: without them the answer cannot be matched to its
// request or does not say anything. The Message-ID is not, though §4.2 and
// §4.4 list it: requests are matched by Transaction-ID (§7 rule 5), and a
// refused answer would only leave the request waiting for one that never
// comes. From falls back to Sender, which also names the responding
// system.
func parseResponse(f *pduHeader, typ string) *Response {
	from := f.address("From")
	if from == "" {
		from = f.address("Sender")
	}
	return &Response{
		Type:          typ,
		TransactionID: f.need("X-Mms-Transaction-ID", f.id("X-Mms-Transaction-ID")),
		MessageID:     f.id("X-Mms-Message-ID"),
		Status:        requestStatuses.orRaw(f.need("X-Mms-Request-Status-Code", f.get("X-Mms-Request-Status-Code"))),
		StatusText:    f.text("X-Mms-Status-Text"),
		From:          from,
		To:            f.address("To"),
		Date:          f.date("Date"),
	}
}
