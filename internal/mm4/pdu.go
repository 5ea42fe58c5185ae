package mm4

import (
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// The six MM4 PDUs, X-Mms-Message-Type as sent (mm4.md §2, §5).
const (
	TypeForwardReq         = "MM4_forward.REQ"
	TypeForwardRes         = "MM4_forward.RES"
	TypeDeliveryReportReq  = "MM4_delivery_report.REQ"
	TypeDeliveryReportRes  = "MM4_delivery_report.RES"
	TypeReadReplyReportReq = "MM4_read_reply_report.REQ"
	TypeReadReplyReportRes = "MM4_read_reply_report.RES"
)

// PDU is any MM4 message as received. Type says which; exactly the one
// field that goes with it is set.
type PDU struct {
	Type           string       // canonical X-Mms-Message-Type, e.g. "MM4_forward.RES"
	Forward        *mms.Message // MM4_forward.REQ, as Parse reads it
	Response       *Response    // the three .RES
	DeliveryReport *DeliveryReport
	ReadReport     *ReadReport
	ForwardCounter int // X-Mms-Forward-Counter of a forward.REQ; 0 when absent
}

// ParseAny reads one MM4 message of any of the six types, as received
// after SMTP DATA (dot-unstuffed; CRLF or bare LF line ends). now resolves
// a relative X-Mms-Expiry. A mail without X-Mms-Message-Type is a
// forward.REQ, read exactly as Parse reads it. The other five carry no
// content: their body is ignored, and so are headers that do not belong to
// them.
//
// Reports and responses are refused as malformed when they lack what the
// receiver cannot act without (see each parser); a forward.REQ, as with
// Parse, only when its MIME cannot be read, since missing fields are the
// caller's policy. An unknown X-Mms-Message-Type is ErrUnsupportedType.
// Every error is mms.Permanent and one line fit for an SMTP reply.
func ParseAny(raw []byte, now time.Time) (pdu *PDU, err error) {
	defer recoverParse(&pdu, &err)
	h, body, err := mimebody.Split(raw)
	if err != nil {
		return nil, err
	}
	typ, err := messageType(h)
	if err != nil {
		return nil, err
	}
	pdu = &PDU{Type: typ}
	f := pduHeader{h: h, pdu: typ}
	switch typ {
	case TypeForwardReq:
		if pdu.Forward, err = parseForward(raw, h, body, now); err != nil {
			return nil, err
		}
		pdu.ForwardCounter = forwardCounter(f.get("X-Mms-Forward-Counter"))
		return pdu, nil
	case TypeDeliveryReportReq:
		pdu.DeliveryReport = parseDeliveryReport(&f)
	case TypeReadReplyReportReq:
		pdu.ReadReport = parseReadReport(&f)
	default:
		pdu.Response = parseResponse(&f, typ)
	}
	if err := f.complete(); err != nil {
		return nil, err
	}
	return pdu, nil
}

// recoverParse is the parsers' last resort: they are meant to check
// everything themselves, but a panic in a dependency must not take the
// SMTP session down.
func recoverParse[T any](v **T, err *error) {
	if r := recover(); r != nil {
		*v, *err = nil, mimebody.Malformed(recoveredPanic{r}, "unreadable message (internal error)")
	}
}

// messageType returns the canonical X-Mms-Message-Type, in any case on
// input (mm4.md §11 rule 2); none at all means a forward request, so that
// plain e-mail reaches handsets.
func messageType(h mimebody.Header) (string, error) {
	t := strings.TrimSpace(h.Get("X-Mms-Message-Type"))
	if t == "" {
		return TypeForwardReq, nil
	}
	// Only case is forgiven: a type with other hyphens or spaces is not a
	// spelling any peer is known to use.
	for _, c := range [...]string{TypeForwardReq, TypeForwardRes, TypeDeliveryReportReq,
		TypeDeliveryReportRes, TypeReadReplyReportReq, TypeReadReplyReportRes} {
		if strings.EqualFold(t, c) {
			return c, nil
		}
	}
	return "", unsupported(t)
}

// pduHeader reads the header of a report or response and collects the
// mandatory fields it lacks, so that one error names them all.
type pduHeader struct {
	h       mimebody.Header
	pdu     string
	missing []string
}

func (f *pduHeader) get(k string) string { return strings.TrimSpace(f.h.Get(k)) }

// need records k as missing when value is empty, and returns value.
func (f *pduHeader) need(k, value string) string {
	if value == "" {
		f.missing = append(f.missing, k)
	}
	return value
}

// id reads an X-Mms-*-ID bare (mm4.md §11 rule 3), without control
// characters, since it may be echoed into a header.
func (f *pduHeader) id(k string) string { return mimebody.BareID(mimebody.Clean(f.get(k))) }

// address reads a single-address header, without control characters for
// the same reason.
func (f *pduHeader) address(k string) string { return firstAddress(mimebody.Clean(f.get(k))) }

func (f *pduHeader) text(k string) string { return mimebody.Text(f.get(k)) }

func (f *pduHeader) date(k string) time.Time { return parseDate(f.get(k)) }

// originatorSystem is where the answer to a request goes: its
// X-Mms-Originator-System, else its Sender (mm4.md §7 rule 2, §11 rule
// 10); the caller falls back to MAIL FROM when both are absent.
func (f *pduHeader) originatorSystem() string {
	if a := f.address("X-Mms-Originator-System"); a != "" {
		return a
	}
	return f.address("Sender")
}

// complete refuses the PDU when mandatory fields were missing.
func (f *pduHeader) complete() error {
	if len(f.missing) == 0 {
		return nil
	}
	return mimebody.Malformed(nil, f.pdu+" without "+strings.Join(f.missing, ", "))
}
