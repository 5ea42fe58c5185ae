package mm4

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// canonicalType is the PDU Parse accepts; ParseAny takes the other five.
const canonicalType = TypeForwardReq

// Parse reads one message as received after SMTP DATA (dot-unstuffed; CRLF
// or bare LF line ends) into a Message. now resolves a relative
// X-Mms-Expiry. It fills every field the content gives and leaves ID, VASP,
// Received, EnvelopeFrom and Recipients to the caller. Parts do not alias
// raw; Raw is raw itself. Responses and reports are ErrUnsupportedType
// here: ParseAny reads them.
//
// Every error is mms.Permanent, wraps ErrMalformed or ErrUnsupportedType, and
// reads as one line fit for an SMTP reply.
func Parse(raw []byte, now time.Time) (m *mms.Message, err error) {
	defer recoverParse(&m, &err)
	h, body, err := mimebody.Split(raw)
	if err != nil {
		return nil, err
	}
	if typ, err := messageType(h); err != nil {
		return nil, err
	} else if typ != canonicalType {
		return nil, unsupported(strings.TrimSpace(h.Get("X-Mms-Message-Type")))
	}
	return parseForward(raw, h, body, now)
}

// parseForward reads an MM4_forward.REQ whose header h and body have been
// split from raw.
func parseForward(raw []byte, h mimebody.Header, body []byte, now time.Time) (*mms.Message, error) {
	m := headerFields(h, now)
	// Both IDs are echoed quoted in every answer and forward: one that
	// cannot be written back is refused now, not after a 250.
	for _, id := range []struct{ name, v string }{{"X-Mms-Transaction-ID", m.TransactionID}, {"X-Mms-Message-ID", m.MM4MessageID}} {
		if id.v == "" {
			continue
		}
		if err := checkID(id.name, id.v); err != nil {
			return nil, mimebody.Malformed(nil, err.Error())
		}
	}
	m.Raw = raw
	var err error
	if m.ContentType, m.Parts, err = mimebody.Decode(h, body); err != nil {
		return nil, err
	}
	return m, nil
}

// headerFields reads the RFC 5322 and X-Mms-* fields of an MM4_forward.REQ
// (TS 23.140 §8.4.1; mm4.md §4.1). None is required: a missing field is
// left empty for the caller's policy to judge, since refusing here would
// also refuse plain e-mail.
func headerFields(h mimebody.Header, now time.Time) *mms.Message {
	get := func(k string) string { return strings.TrimSpace(h.Get(k)) }
	return &mms.Message{
		MessageType:      canonicalType,
		MMSVersion:       get("X-Mms-3GPP-MMS-Version"),
		TransactionID:    mimebody.BareID(get("X-Mms-Transaction-ID")),
		MM4MessageID:     mimebody.BareID(get("X-Mms-Message-ID")),
		SMTPMessageID:    mimebody.BareID(get("Message-ID")),
		From:             firstAddress(get("From")),
		To:               addressList(h.Values("To")),
		Cc:               addressList(h.Values("Cc")),
		Subject:          mimebody.Text(get("Subject")),
		Date:             parseDate(get("Date")),
		MessageClass:     canonicalToken(get("X-Mms-Message-Class"), "Personal", "Advertisement", "Informational", "Auto"),
		Priority:         canonicalToken(get("X-Mms-Priority"), "Low", "Normal", "High"),
		Expiry:           parseExpiry(get("X-Mms-Expiry"), now),
		AckRequest:       yes(get("X-Mms-Ack-Request")),
		DeliveryReport:   yes(get("X-Mms-Delivery-Report")),
		ReadReply:        yes(get("X-Mms-Read-Reply")) || yes(get("X-Mms-Read-Report")), // the MM1 name, used by VASPs copying MM1
		OriginatorSystem: firstAddress(get("X-Mms-Originator-System")),
		Sender:           firstAddress(get("Sender")),
		SenderHidden:     strings.EqualFold(get("X-Mms-Sender-Visibility"), "Hide"),
	}
}

// forwardCounter reads X-Mms-Forward-Counter. An unreadable value counts
// as absent, like other optional fields; one too large for an int32 counts
// as the largest, so that a loop check still sees a big number.
func forwardCounter(s string) int {
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0
	}
	return int(n)
}
