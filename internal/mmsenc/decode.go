package mmsenc

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Decode reads one MMS PDU. It accepts more than Encode writes, because
// handsets and old MMSCs do: headers in any order, MMS 1.0 and 1.1 versions,
// non-minimal uintvars, Integer-value sizes and dates, any charset label,
// Text-string versions, and the 1.4 parameter codes. A header it does not
// map to a PDU field, or a known header with a value form it does not map,
// is stepped over by the class of its first octet and kept in PDU.Unknown.
//
// Every length is checked against the data that is left, so Decode never
// reads past b and never panics; what it cannot read is an error wrapping
// ErrMalformed with the offset where reading stopped. Strings are copied;
// Part.Data, and the Value of a well-known header in Unknown, point into b.
//
// Decode does not check the mandatory headers of §6: a PDU that Encode would
// refuse may still decode, so that a caller can answer a broken request with
// a precise status instead of nothing.
func Decode(b []byte) (*PDU, error) { return decode(b, true) }

// DecodeHead reads the headers of a PDU and stops at Content-Type, leaving
// the body unread: what an MMSC can still learn (the type, the
// Transaction-ID to answer with) from a PDU it will not take whole, such
// as one cut off at a size limit.
func DecodeHead(b []byte) (*PDU, error) { return decode(b, false) }

func decode(b []byte, body bool) (*PDU, error) {
	r := newReader(b)
	p := &PDU{}
	typed := false
	for r.left() > 0 {
		start := r.pos
		c, _ := r.octet()
		if c < shortIntFlag {
			h, err := r.applicationHeader(start, c)
			if err != nil {
				return nil, err
			}
			p.Unknown = append(p.Unknown, h)
			continue
		}
		if c == hContentType {
			if !body {
				break
			}
			if err := p.decodeBody(r); err != nil {
				return nil, err
			}
			break
		}
		valueStart := r.pos
		err := p.decodeField(r, c)
		if errors.Is(err, errNotThisForm) {
			r.pos = valueStart
			if err := r.skipValue(); err != nil {
				return nil, within(err, headerName(c))
			}
			p.Unknown = append(p.Unknown, Header{Field: c, Value: r.buf[valueStart:r.pos:r.pos]})
			continue
		}
		if err != nil {
			return nil, within(err, headerName(c))
		}
		typed = typed || c == hMessageType
	}
	if !typed {
		return nil, &DecodeError{Offset: 0, Reason: "no X-Mms-Message-Type header"}
	}
	return p, nil
}

// applicationHeader reads a header named by Token-text; its value is a
// Text-string (OMA-TS-MMS_ENC §7.1).
func (r *reader) applicationHeader(start int, c byte) (Header, error) {
	if c < 0x20 || c == textQuote {
		return Header{}, r.failAt(start, "octet 0x%02X starts no header", c)
	}
	r.pos = start
	name, err := r.rawText()
	if err != nil {
		return Header{}, within(err, "application header name")
	}
	value, err := r.text()
	if err != nil {
		return Header{}, within(err, fmt.Sprintf("application header %q", name))
	}
	return Header{Name: string(name), Value: []byte(value)}, nil
}

func (p *PDU) decodeBody(r *reader) error {
	ct, err := r.contentType()
	if err != nil {
		return within(err, "Content-Type")
	}
	p.ContentType = ct
	media, _, _ := strings.Cut(ct, ";")
	if isMultipart(media) {
		parts, err := r.multipart()
		if err != nil {
			return within(err, "body")
		}
		p.Parts = parts
		return nil
	}
	p.Parts = []Part{{ContentType: ct, Data: r.buf[r.pos:r.end:r.end]}}
	r.pos = r.end
	return nil
}

// decodeField reads the value of well-known header c into p. It returns
// errNotThisForm, before changing p, when the value has a form the field
// does not map; any other error is malformed input.
func (p *PDU) decodeField(r *reader, c byte) error {
	switch c {
	case hMessageType:
		start := r.pos
		v, err := r.octet()
		if err != nil {
			return err
		}
		if v < shortIntFlag {
			return r.failAt(start, "0x%02X is not a message type", v)
		}
		p.Type = MessageType(v)
	case hTransactionID:
		return r.textField(&p.TransactionID)
	case hMessageID:
		return r.textField(&p.MessageID)
	case hContentLocation:
		return r.textField(&p.ContentLocation)
	case hMMSVersion:
		v, err := r.version()
		if err != nil {
			return err
		}
		p.Version = v
	case hDate:
		t, err := r.date()
		if err != nil {
			return err
		}
		p.Date = t
	case hFrom:
		return p.decodeFrom(r)
	case hTo, hCc, hBcc, hSubject, hResponseText, hRetrieveText:
		s, err := r.encodedString()
		if err != nil {
			return err
		}
		switch c {
		case hTo:
			p.To = append(p.To, s)
		case hCc:
			p.Cc = append(p.Cc, s)
		case hBcc:
			p.Bcc = append(p.Bcc, s)
		case hSubject:
			p.Subject = s
		case hResponseText:
			p.ResponseText = s
		case hRetrieveText:
			p.RetrieveText = s
		}
	case hMessageClass:
		return p.decodeClass(r)
	case hPriority:
		v, err := r.octet()
		if err != nil {
			return err
		}
		if v < shortIntFlag || int(v&0x7F) >= len(priorities) {
			return errNotThisForm
		}
		p.Priority = priorities[v&0x7F]
	case hMessageSize:
		if !r.isInteger() {
			return errNotThisForm
		}
		v, err := r.integer()
		if err != nil {
			return err
		}
		if v > math.MaxInt64 {
			return errNotThisForm
		}
		p.MessageSize = int64(v)
	case hExpiry:
		return r.timeValue(&p.Expiry, &p.ExpiryRelative)
	case hDeliveryTime:
		return r.timeValue(&p.DeliveryTime, &p.DeliveryTimeRelative)
	case hStatus:
		return r.octetField(&p.Status)
	case hReadStatus:
		return r.octetField(&p.ReadStatus)
	case hResponseStatus:
		return r.octetField(&p.ResponseStatus)
	case hRetrieveStatus:
		return r.octetField(&p.RetrieveStatus)
	case hSenderVisibility:
		return r.octetField(&p.SenderVisibility)
	case hReportAllowed:
		return r.yesNo(&p.ReportAllowed)
	case hDeliveryReport:
		return r.yesNo(&p.DeliveryReport)
	case hReadReport:
		return r.yesNo(&p.ReadReport)
	default:
		return errNotThisForm
	}
	return nil
}

// textField reads a Text-string; a Value-length form (as m-mbox-delete-conf
// gives Content-Location) is not one.
func (r *reader) textField(dst *string) error {
	c, err := r.peek()
	if err != nil {
		return err
	}
	if c <= lengthQuote {
		return errNotThisForm
	}
	s, err := r.text()
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

func (r *reader) octetField(dst *byte) error {
	v, err := r.octet()
	if err != nil {
		return err
	}
	if v < shortIntFlag {
		return errNotThisForm
	}
	*dst = v
	return nil
}

func (r *reader) yesNo(dst **bool) error {
	v, err := r.octet()
	if err != nil {
		return err
	}
	if v != tokYes && v != tokNo {
		return errNotThisForm
	}
	yes := v == tokYes
	*dst = &yes
	return nil
}

// version reads a Version-value; a Text-string "1.2" is allowed by WSP and
// turned into its octet.
func (r *reader) version() (byte, error) {
	c, err := r.peek()
	if err != nil {
		return 0, err
	}
	if c >= shortIntFlag {
		r.pos++
		return c, nil
	}
	if c <= lengthQuote {
		return 0, errNotThisForm
	}
	s, err := r.text()
	if err != nil {
		return 0, err
	}
	v, ok := parseVersion(s)
	if !ok {
		return 0, errNotThisForm
	}
	return v, nil
}

// parseVersion turns "major[.minor]" into a Version-value octet.
func parseVersion(s string) (byte, bool) {
	major, minor, hasMinor := strings.Cut(s, ".")
	if len(major) != 1 || major[0] < '1' || major[0] > '7' {
		return 0, false
	}
	m := 0x0F // minor F: none given
	if hasMinor {
		if minor == "" || len(minor) > 2 || strings.Trim(minor, "0123456789") != "" {
			return 0, false
		}
		if m, _ = strconv.Atoi(minor); m > 14 {
			return 0, false
		}
	}
	return shortIntFlag | (major[0]-'0')<<4 | byte(m), true
}

// date reads a Date-value. It should be a Long-integer; an Integer-value
// costs nothing to accept.
func (r *reader) date() (time.Time, error) {
	if !r.isInteger() {
		return time.Time{}, errNotThisForm
	}
	v, err := r.integer()
	if err != nil {
		return time.Time{}, err
	}
	if v > math.MaxInt64 {
		return time.Time{}, errNotThisForm
	}
	return time.Unix(int64(v), 0).UTC(), nil
}

// tokenValue reads the form From, Expiry and their kin share: Value-length,
// then a token octet, then the rest of the value (returned as v).
func tokenValue(r *reader) (v *reader, tok byte, err error) {
	if c, err := r.peek(); err != nil {
		return nil, 0, err
	} else if c > lengthQuote {
		return nil, 0, errNotThisForm
	}
	if v, err = r.lengthPrefixed(); err != nil {
		return nil, 0, err
	}
	if tok, err = v.octet(); err != nil {
		return nil, 0, err
	}
	return v, tok, nil
}

func (p *PDU) decodeFrom(r *reader) error {
	v, tok, err := tokenValue(r)
	if err != nil {
		return err
	}
	switch tok {
	case tokAddressPresent:
		s, err := v.encodedString()
		if err != nil {
			return within(err, "address")
		}
		p.From, p.FromInsert = s, false
	case tokInsertAddress:
		p.From, p.FromInsert = "", true
	default:
		return errNotThisForm
	}
	return nil
}

func (p *PDU) decodeClass(r *reader) error {
	c, err := r.peek()
	if err != nil {
		return err
	}
	switch {
	case c >= shortIntFlag:
		if int(c&0x7F) >= len(messageClasses) {
			return errNotThisForm
		}
		r.pos++
		p.MessageClass = messageClasses[c&0x7F]
	case c > lengthQuote:
		s, err := r.text()
		if err != nil {
			return err
		}
		if !isToken(s) {
			return errNotThisForm
		}
		// A class name spelled out is the class: Encode writes it as the token.
		for _, name := range messageClasses {
			if strings.EqualFold(name, s) {
				s = name
			}
		}
		p.MessageClass = s
	default:
		return errNotThisForm
	}
	return nil
}

// timeValue reads an absolute or relative time (X-Mms-Expiry,
// X-Mms-Delivery-Time) into abs or rel, clearing the other.
func (r *reader) timeValue(abs *time.Time, rel *time.Duration) error {
	v, tok, err := tokenValue(r)
	if err != nil {
		return err
	}
	if (tok != tokAbsolute && tok != tokRelative) || !v.isInteger() {
		return errNotThisForm
	}
	n, err := v.integer()
	if err != nil {
		return err
	}
	if tok == tokAbsolute {
		if n > math.MaxInt64 {
			return errNotThisForm
		}
		*abs, *rel = time.Unix(int64(n), 0).UTC(), 0
		return nil
	}
	if n > math.MaxInt64/uint64(time.Second) {
		return errNotThisForm
	}
	*abs, *rel = time.Time{}, time.Duration(n)*time.Second
	return nil
}

// headerNames names the well-known MMS header octets 0x81-0xBF
// (mms-encoding.md §3) for error messages.
var headerNames = [...]string{
	"Bcc", "Cc", "X-Mms-Content-Location", "Content-Type", "Date",
	"X-Mms-Delivery-Report", "X-Mms-Delivery-Time", "X-Mms-Expiry", "From",
	"X-Mms-Message-Class", "Message-ID", "X-Mms-Message-Type",
	"X-Mms-MMS-Version", "X-Mms-Message-Size", "X-Mms-Priority",
	"X-Mms-Read-Report", "X-Mms-Report-Allowed", "X-Mms-Response-Status",
	"X-Mms-Response-Text", "X-Mms-Sender-Visibility", "X-Mms-Status", "Subject",
	"To", "X-Mms-Transaction-ID", "X-Mms-Retrieve-Status", "X-Mms-Retrieve-Text",
	"X-Mms-Read-Status", "X-Mms-Reply-Charging", "X-Mms-Reply-Charging-Deadline",
	"X-Mms-Reply-Charging-ID", "X-Mms-Reply-Charging-Size",
	"X-Mms-Previously-Sent-By", "X-Mms-Previously-Sent-Date", "X-Mms-Store",
	"X-Mms-MM-State", "X-Mms-MM-Flags", "X-Mms-Store-Status",
	"X-Mms-Store-Status-Text", "X-Mms-Stored", "X-Mms-Attributes",
	"X-Mms-Totals", "X-Mms-Mbox-Totals", "X-Mms-Quotas", "X-Mms-Mbox-Quotas",
	"X-Mms-Message-Count", "Content", "X-Mms-Start", "Additional-headers",
	"X-Mms-Distribution-Indicator", "X-Mms-Element-Descriptor", "X-Mms-Limit",
	"X-Mms-Recommended-Retrieval-Mode", "X-Mms-Recommended-Retrieval-Mode-Text",
	"X-Mms-Status-Text", "X-Mms-Applic-ID", "X-Mms-Reply-Applic-ID",
	"X-Mms-Aux-Applic-Info", "X-Mms-Content-Class", "X-Mms-DRM-Content",
	"X-Mms-Adaptation-Allowed", "X-Mms-Replace-ID", "X-Mms-Cancel-ID",
	"X-Mms-Cancel-Status",
}

func headerName(c byte) string {
	if i := int(c) - 0x81; i >= 0 && i < len(headerNames) {
		return headerNames[i]
	}
	return fmt.Sprintf("header 0x%02X", c)
}
