package mm4

import (
	"errors"
	"strconv"
	"strings"
	"time"

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
	h, body, err := readHead(raw)
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
func parseForward(raw []byte, h header, body []byte, now time.Time) (*mms.Message, error) {
	m := headerFields(h, now)
	m.Raw = raw

	// Read once for the walk and for the message's own type.
	typ, params := contentType(h.Get("Content-Type"))
	var w walker
	if err := w.walkTyped(h, typ, params, body, "", 0); err != nil {
		return nil, err
	}
	m.Parts = w.parts
	m.ContentType = topContentType(typ, params, w.parts)
	return m, nil
}

// headerFields reads the RFC 5322 and X-Mms-* fields of an MM4_forward.REQ
// (TS 23.140 §8.4.1; mm4.md §4.1). None is required: a missing field is
// left empty for the caller's policy to judge, since refusing here would
// also refuse plain e-mail.
func headerFields(h header, now time.Time) *mms.Message {
	get := func(k string) string { return strings.TrimSpace(h.Get(k)) }
	return &mms.Message{
		MessageType:      canonicalType,
		MMSVersion:       get("X-Mms-3GPP-MMS-Version"),
		TransactionID:    unquoteID(get("X-Mms-Transaction-ID")),
		MM4MessageID:     unquoteID(get("X-Mms-Message-ID")),
		SMTPMessageID:    unquoteID(get("Message-ID")),
		From:             firstAddress(get("From")),
		To:               addressList(h.Values("To")),
		Cc:               addressList(h.Values("Cc")),
		Subject:          cleanText(decodeText(get("Subject"))),
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

// topContentType is the message's own type, typ and params being its
// Content-Type as read: for multipart the normalised type and parameters
// without the boundary, which means nothing once the body is split; for a
// single part the part's type, relabelled like the part when its text was
// converted.
func topContentType(typ string, params map[string]string, parts []mms.Part) string {
	if !strings.HasPrefix(typ, "multipart/") && len(parts) == 1 {
		return parts[0].ContentType
	}
	delete(params, "boundary")
	return formatMediaType(typ, params)
}
