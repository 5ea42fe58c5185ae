package mmsenc

import (
	"fmt"
	"unicode/utf16"
)

// National language shift elements (3GPP TS 23.040 §9.2.3.24.15-16) swap
// the GSM tables for others, which DecodeTextSMS does not have.
const (
	ieLanguageSingleShift  = 0x24
	ieLanguageLockingShift = 0x25
)

// DecodeTextSMS is the inverse of EncodeTextSMS, for tests and fuzzing:
// dataCoding is DataCodingGSM7 (septets one an octet, unpacked) or
// DataCodingUCS2 (UTF-16BE), and segs the short_message of each segment.
// As EncodeTextSMS writes them, one segment has no user data header and
// each of several starts with one holding a concatenation element (8- or
// 16-bit reference; other elements are stepped over); they may come in
// any order. Each segment must decode on its own, as handsets decode
// them: an escape or a surrogate pair split between two is an error.
// Errors wrap ErrMalformed; their offset is within the segment named.
func DecodeTextSMS(dataCoding byte, segs [][]byte) (string, error) {
	if dataCoding != DataCodingGSM7 && dataCoding != DataCodingUCS2 {
		return "", &DecodeError{Reason: fmt.Sprintf("data coding 0x%02X is neither GSM 7-bit (0x00) nor UCS-2 (0x08)", dataCoding)}
	}
	if len(segs) == 0 {
		return "", &DecodeError{Reason: "no SMS segments"}
	}
	parts := []textPart{{text: segs[0]}}
	if len(segs) > 1 {
		var err error
		if parts, err = orderText(dataCoding, segs); err != nil {
			return "", err
		}
	}
	var text []byte
	for _, p := range parts {
		s, off, reason := decodeSegmentText(dataCoding, p.text)
		if reason != "" {
			return "", &DecodeError{Offset: p.at + off, Reason: fmt.Sprintf("SMS segment %d: %s", p.given+1, reason)}
		}
		text = append(text, s...)
	}
	return string(text), nil
}

// textPart is the text of one segment: which segment (counting from 0 in
// the order given) and where the text starts in it, for errors.
type textPart struct {
	given int
	at    int
	text  []byte
}

// orderText checks the concatenation headers and returns the segments'
// texts in sequence order.
func orderText(dataCoding byte, segs [][]byte) ([]textPart, error) {
	parts := make([]textPart, len(segs))
	var ref uint16
	for i, seg := range segs {
		what := fmt.Sprintf("SMS segment %d", i+1)
		c, err := textConcat(dataCoding, seg)
		if err != nil {
			return nil, within(err, what)
		}
		switch {
		case int(c.total) != len(segs):
			return nil, &DecodeError{Reason: fmt.Sprintf("%s announces %d segments, %d were given", what, c.total, len(segs))}
		case i > 0 && c.ref != ref:
			return nil, &DecodeError{Reason: fmt.Sprintf("%s: reference %d, segment 1 has %d", what, c.ref, ref)}
		case parts[c.seq-1].text != nil:
			return nil, &DecodeError{Reason: fmt.Sprintf("%s: sequence number %d given twice", what, c.seq)}
		}
		ref = c.ref
		parts[c.seq-1] = textPart{given: i, at: len(seg) - len(c.payload), text: c.payload}
	}
	return parts, nil
}

// textConcat reads the user data header of one segment of several.
func textConcat(dataCoding byte, seg []byte) (segment, error) {
	r := newReader(seg)
	s, err := walkUDH(r, func(h *reader, start int, iei, _ byte, _ []byte, _ *segment) error {
		if (iei == ieLanguageSingleShift || iei == ieLanguageLockingShift) && dataCoding == DataCodingGSM7 {
			return h.failAt(start, "national language shift tables are not supported")
		}
		return nil
	})
	if err != nil {
		return segment{}, err
	}
	if !s.concat {
		return segment{}, r.failAt(0, "no concatenation element")
	}
	s.payload = seg[r.pos:]
	return s, nil
}

// decodeSegmentText decodes one segment's text; on failure it gives the
// offset in t and why.
func decodeSegmentText(dataCoding byte, t []byte) (string, int, string) {
	if dataCoding == DataCodingGSM7 {
		return decodeGSM7(t)
	}
	if len(t)%2 != 0 {
		return "", len(t) - 1, fmt.Sprintf("UCS-2 text of %d octets, an odd number", len(t))
	}
	u := make([]uint16, len(t)/2)
	for i := range u {
		u[i] = uint16(t[2*i])<<8 | uint16(t[2*i+1])
	}
	for i := 0; i < len(u); i++ {
		switch {
		case !utf16.IsSurrogate(rune(u[i])):
		case u[i] < 0xDC00 && i+1 < len(u) && u[i+1] >= 0xDC00 && u[i+1] <= 0xDFFF:
			i++ // a high surrogate and its low one
		default:
			return "", 2 * i, fmt.Sprintf("unpaired surrogate 0x%04X", u[i])
		}
	}
	return string(utf16.Decode(u)), 0, ""
}
