package mmsenc

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Encode writes p in the binary form of OMA-TS-MMS_ENC 1.3, following the
// Android rules of mms-encoding.md §1. It is pure: nothing is filled in from
// the clock or the environment, so a PDU that lacks a mandatory header (a
// retrieve-conf without Date, say) is an error, not a guess. The one default
// is X-Mms-Message-Class in m-notification-ind, which Android requires and
// for which "Personal" is the only sensible value.
func Encode(p *PDU) ([]byte, error) {
	if p == nil {
		return nil, invalidf("Encode: nil PDU")
	}
	layout, ok := layouts[p.Type]
	if !ok {
		return nil, invalidf("cannot encode %v: only the MM1 PDUs of mms-encoding.md §6 are supported", p.Type)
	}
	if err := p.check(layout); err != nil {
		return nil, invalidf("%v: %v", p.Type, err)
	}
	b, err := p.encode(layout)
	if err != nil {
		return nil, invalidf("%v: %v", p.Type, err)
	}
	return b, nil
}

// check applies the table of §6 and the rules of §1 that concern presence,
// before anything is written.
func (p *PDU) check(layout []slot) error {
	var allowed [numFields]bool
	for _, s := range layout {
		allowed[s.f] = true
		if s.mandatory && !p.has(s.f) && !p.defaulted(s.f) {
			return fmt.Errorf("%v is mandatory", s.f)
		}
	}
	for f := range numFields {
		if p.has(f) && !allowed[f] {
			return fmt.Errorf("%v is not a header of this PDU", f)
		}
	}
	if p.Version != 0 && p.Version&0xF0 != 0x90 {
		return fmt.Errorf("X-Mms-MMS-Version 0x%02X is not an MMS 1.x version", p.Version)
	}
	if p.From != "" && p.FromInsert {
		return fmt.Errorf("From %q and FromInsert are both set", p.From)
	}
	switch p.Type {
	case SendReq, ForwardReq:
		if !p.has(fTo) && !p.has(fCc) && !p.has(fBcc) {
			return fmt.Errorf("at least one of To, Cc and Bcc is mandatory")
		}
	case SendConf, ForwardConf:
		if p.ResponseStatus == ResponseOk && p.MessageID == "" {
			return fmt.Errorf("Message-ID is mandatory when X-Mms-Response-Status is Ok")
		}
	}
	if len(p.Parts) > 0 && p.ContentType == "" {
		return fmt.Errorf("%d parts but no Content-Type", len(p.Parts))
	}
	return nil
}

// defaulted reports whether Encode supplies f itself.
func (p *PDU) defaulted(f field) bool {
	return f == fMessageClass && p.Type == NotificationInd
}

func (p *PDU) encode(layout []slot) ([]byte, error) {
	b := make([]byte, 0, p.sizeHint())
	// Rule 1: Message-Type, Transaction-ID, MMS-Version lead, in that order.
	b = append(b, hMessageType, byte(p.Type))
	var err error
	if p.TransactionID != "" {
		b = append(b, hTransactionID)
		if b, err = appendText(b, p.TransactionID); err != nil {
			return nil, fmt.Errorf("%v: %w", fTransactionID, err)
		}
	}
	version := p.Version
	if version == 0 {
		version = DefaultVersion
	}
	b = append(b, hMMSVersion, version)

	for _, s := range layout {
		if s.f == fTransactionID || s.f == fContentType || !(p.has(s.f) || p.defaulted(s.f)) {
			continue
		}
		if b, err = p.appendField(b, s.f); err != nil {
			return nil, fmt.Errorf("%v: %w", s.f, err)
		}
	}
	for i, h := range p.Unknown {
		if b, err = appendRawHeader(b, h); err != nil {
			return nil, fmt.Errorf("Unknown[%d]: %w", i, err)
		}
	}
	if p.has(fContentType) {
		if b, err = p.appendBody(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (p *PDU) sizeHint() int {
	n := 256 + len(p.Subject) + len(p.ContentType) + len(p.ContentLocation)
	for _, list := range [...][]string{p.To, p.Cc, p.Bcc} {
		for _, a := range list {
			n += len(a) + 4
		}
	}
	for _, part := range p.Parts {
		n += len(part.Data) + len(part.ContentType) + len(part.ContentID) + len(part.ContentLocation) + 16
	}
	return n
}

func (p *PDU) appendField(b []byte, f field) ([]byte, error) {
	switch f {
	case fMessageID:
		return appendText(append(b, hMessageID), p.MessageID)
	case fDate:
		return appendDate(append(b, hDate), p.Date)
	case fFrom:
		return appendFrom(b, p.From, p.FromInsert)
	case fTo:
		return appendAddresses(b, hTo, p.To)
	case fCc:
		return appendAddresses(b, hCc, p.Cc)
	case fBcc:
		return appendAddresses(b, hBcc, p.Bcc)
	case fSubject:
		return appendEncodedString(append(b, hSubject), p.Subject)
	case fMessageClass:
		return appendClass(append(b, hMessageClass), p.MessageClass)
	case fPriority:
		i := slices.IndexFunc(priorities[:], func(s string) bool { return strings.EqualFold(s, p.Priority) })
		if i < 0 {
			return b, fmt.Errorf("%q is not Low, Normal or High", p.Priority)
		}
		return append(b, hPriority, shortIntFlag|byte(i)), nil
	case fMessageSize:
		if p.MessageSize < 0 {
			return b, fmt.Errorf("negative size %d", p.MessageSize)
		}
		return appendLongInt(append(b, hMessageSize), uint64(p.MessageSize)), nil
	case fExpiry:
		return appendTime(b, hExpiry, p.Expiry, p.ExpiryRelative)
	case fDeliveryTime:
		return appendTime(b, hDeliveryTime, p.DeliveryTime, p.DeliveryTimeRelative)
	case fContentLocation:
		return appendText(append(b, hContentLocation), p.ContentLocation)
	case fStatus:
		return appendOctet(b, hStatus, p.Status)
	case fReadStatus:
		return appendOctet(b, hReadStatus, p.ReadStatus)
	case fResponseStatus:
		return appendOctet(b, hResponseStatus, p.ResponseStatus)
	case fRetrieveStatus:
		return appendOctet(b, hRetrieveStatus, p.RetrieveStatus)
	case fSenderVisibility:
		if p.SenderVisibility != SenderHide && p.SenderVisibility != SenderShow {
			return b, fmt.Errorf("0x%02X is not Hide (0x80) or Show (0x81)", p.SenderVisibility)
		}
		return append(b, hSenderVisibility, p.SenderVisibility), nil
	case fResponseText:
		return appendEncodedString(append(b, hResponseText), p.ResponseText)
	case fRetrieveText:
		return appendEncodedString(append(b, hRetrieveText), p.RetrieveText)
	case fReportAllowed:
		return appendYesNo(b, hReportAllowed, *p.ReportAllowed), nil
	case fDeliveryReport:
		return appendYesNo(b, hDeliveryReport, *p.DeliveryReport), nil
	case fReadReport:
		return appendYesNo(b, hReadReport, *p.ReadReport), nil
	}
	return b, fmt.Errorf("no encoder for field %d", f)
}

func appendOctet(b []byte, code, v byte) ([]byte, error) {
	if v < shortIntFlag {
		return b, fmt.Errorf("0x%02X is not a value (0x80-0xFF)", v)
	}
	return append(b, code, v), nil
}

func appendYesNo(b []byte, code byte, yes bool) []byte {
	if yes {
		return append(b, code, tokYes)
	}
	return append(b, code, tokNo)
}

// seconds gives t as a Date-value: whole seconds since 1970, which is all
// the encoding can carry.
func seconds(t time.Time) (uint64, error) {
	s := t.Unix()
	if s < 0 {
		return 0, fmt.Errorf("%v is before 1970", t)
	}
	return uint64(s), nil
}

func appendDate(b []byte, t time.Time) ([]byte, error) {
	s, err := seconds(t)
	if err != nil {
		return b, err
	}
	return appendLongInt(b, s), nil
}

// appendFrom writes From as Value-length, then the address-present token and
// an Encoded-string-value, or the insert-address token. The address goes as
// a plain Text-string when it is ASCII, as in the worked examples.
func appendFrom(b []byte, addr string, insert bool) ([]byte, error) {
	b = append(b, hFrom)
	if insert {
		return append(b, 1, tokInsertAddress), nil
	}
	if isPlainText(addr) {
		b = appendValueLength(b, 1+textLen(addr))
		b = append(b, tokAddressPresent)
		return appendText(b, addr)
	}
	v, err := appendEncodedString([]byte{tokAddressPresent}, addr)
	if err != nil {
		return b, err
	}
	b = appendValueLength(b, len(v))
	return append(b, v...), nil
}

// isPlainText reports whether s can go as a Text-string without a charset.
func isPlainText(s string) bool {
	if s == "" || s[0] < 0x20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] >= 0x7F {
			return false
		}
	}
	return true
}

func appendAddresses(b []byte, code byte, addrs []string) ([]byte, error) {
	var err error
	for i, a := range addrs {
		if a == "" {
			return b, fmt.Errorf("address %d is empty", i+1)
		}
		if b, err = appendEncodedString(append(b, code), a); err != nil {
			return b, fmt.Errorf("address %d: %w", i+1, err)
		}
	}
	return b, nil
}

func appendClass(b []byte, class string) ([]byte, error) {
	if class == "" {
		class = messageClasses[0]
	}
	if i := slices.IndexFunc(messageClasses[:], func(s string) bool { return strings.EqualFold(s, class) }); i >= 0 {
		return append(b, shortIntFlag|byte(i)), nil
	}
	if !isToken(class) {
		return b, fmt.Errorf("%q is neither a class name nor a token", class)
	}
	b = append(b, class...)
	return append(b, 0), nil
}

// appendTime writes a time field (X-Mms-Expiry, X-Mms-Delivery-Time):
// Value-length, the absolute or relative token and a Long-integer (rule 2: never a Short-integer, even for small values).
func appendTime(b []byte, code byte, abs time.Time, rel time.Duration) ([]byte, error) {
	token, v := byte(tokAbsolute), uint64(0)
	if rel != 0 {
		if rel < 0 || rel%time.Second != 0 {
			return b, fmt.Errorf("relative time %v is not a positive whole number of seconds", rel)
		}
		token, v = tokRelative, uint64(rel/time.Second)
	} else {
		var err error
		if v, err = seconds(abs); err != nil {
			return b, err
		}
	}
	var tmp [10]byte
	val := appendLongInt(append(tmp[:0], token), v)
	b = appendValueLength(append(b, code), len(val))
	return append(b, val...), nil
}

// appendRawHeader writes back a header Decode kept raw. It refuses anything
// that would break the framing or rule 1, since the value is not otherwise
// understood.
func appendRawHeader(b []byte, h Header) ([]byte, error) {
	if h.Field == 0 {
		if !isToken(h.Name) {
			return b, fmt.Errorf("application header name %q is not a token", h.Name)
		}
		b = append(b, h.Name...)
		b = append(b, 0)
		return appendText(b, string(h.Value))
	}
	switch h.Field {
	case hMessageType, hTransactionID, hMMSVersion, hContentType:
		return b, fmt.Errorf("%s cannot be written as an unknown header", headerName(h.Field))
	}
	if h.Field < shortIntFlag {
		return b, fmt.Errorf("field 0x%02X is not a well-known field octet", h.Field)
	}
	r := newReader(h.Value)
	if err := r.skipValue(); err != nil || r.left() != 0 {
		return b, fmt.Errorf("%s: value % X is not exactly one encoded value", headerName(h.Field), h.Value)
	}
	b = append(b, h.Field)
	return append(b, h.Value...), nil
}

// appendBody writes Content-Type, the last header, and the body after it.
func (p *PDU) appendBody(b []byte) ([]byte, error) {
	media, params, err := parseContentType(p.ContentType)
	if err != nil {
		return b, fmt.Errorf("Content-Type: %w", err)
	}
	if p.Type == RetrieveConf && media != MediaMultipartMixed && media != MediaMultipartRelated && media != MediaMultipartAlternative {
		// Rule 5: AOSP returns no PDU for any other body.
		return b, fmt.Errorf("Content-Type %q: m-retrieve-conf needs a vnd.wap.multipart mixed, related or alternative body", media)
	}
	b = append(b, hContentType)
	if b, err = appendContentType(b, p.ContentType); err != nil {
		return b, fmt.Errorf("Content-Type: %w", err)
	}
	if isMultipart(media) {
		for _, prm := range params {
			if prm.name == "start" && !slices.ContainsFunc(p.Parts, func(pt Part) bool { return pt.ContentID == prm.value }) {
				return b, fmt.Errorf("Content-Type: start %q names no part's Content-ID", prm.value)
			}
		}
		return appendMultipart(b, p.Parts)
	}
	if len(p.Parts) != 1 {
		return b, fmt.Errorf("a %s body is one part, not %d", media, len(p.Parts))
	}
	part := p.Parts[0]
	if part.ContentType != "" && part.ContentType != p.ContentType {
		return b, fmt.Errorf("the single part's Content-Type %q differs from the PDU's %q", part.ContentType, p.ContentType)
	}
	if part.ContentID != "" || part.ContentLocation != "" {
		return b, fmt.Errorf("a single-part body has no part headers for Content-ID or Content-Location")
	}
	return append(b, part.Data...), nil
}
