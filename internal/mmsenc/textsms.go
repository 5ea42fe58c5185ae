package mmsenc

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Data codings of a text SMS, as SMPP data_coding (and TP-DCS) write them.
const (
	DataCodingGSM7 = 0x00 // the GSM 7-bit default alphabet, one septet an octet (see EncodeTextSMS)
	DataCodingUCS2 = 0x08 // UCS-2, written as UTF-16BE so that any character fits
)

// TextSMS is a text cut into the short_message of one SMPP submit_sm each.
type TextSMS struct {
	DataCoding byte     // DataCodingGSM7 or DataCodingUCS2, for data_coding
	Segments   [][]byte // each segment's short_message, in order
	UDHI       bool     // the segments start with a user data header: set esm_class 0x40
}

// A text segment with several is led by the 8-bit concatenation element
// (3GPP TS 23.040 §9.2.3.24.1): UDHL 05, IEI 00, length 03, then
// reference, total and sequence number.
const udhTextConcat = 6

// textAlphabet is what EncodeTextSMS needs of a data coding: how many
// octets of text a segment holds, alone and as one of several, and how
// each character is written. A character's octets are never split.
type textAlphabet struct {
	coding        byte
	single, multi int
	ellipsis      string // ends a trimmed text
	appendRune    func(b []byte, r rune) []byte
}

var (
	// 160 septets fill 140 octets; with the 6-octet UDH, 153 septets and
	// one fill bit do (48 + 1 + 153*7 = 1120 bits).
	gsm7Text = textAlphabet{DataCodingGSM7, 160, 153, "...", func(b []byte, r rune) []byte {
		b, _ = appendGSM7(b, r)
		return b
	}}
	// 70 UTF-16 code units fill 140 octets; 67 with the UDH.
	ucs2Text = textAlphabet{DataCodingUCS2, 140, 140 - udhTextConcat, "…", appendUTF16BE}
)

func appendUTF16BE(b []byte, r rune) []byte {
	if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
		b = append(b, byte(r1>>8), byte(r1))
		r = r2
	}
	return append(b, byte(r>>8), byte(r))
}

// EncodeTextSMS cuts text into the segments of a text SMS, for SMPP.
//
// The alphabet is GSM 7-bit when every character is in the GSM 03.38
// default alphabet or its extension table (^ { } \ [ ~ ] | € and form feed
// take two septets, the escape 0x1B and their code), else UCS-2, written
// as UTF-16BE with characters beyond the BMP as surrogate pairs. There is
// no transliteration: a Greek Α that looks like A makes the text UCS-2.
//
// A text of up to 160 septets (70 UTF-16 code units) is one segment
// without a user data header. A longer one gets, in every segment, the
// concatenation header 05 00 03 ref total seq, and at most 153 septets (67
// code units) of text after it; an escape pair or a surrogate pair is never
// split between segments.
//
// With DataCodingGSM7 the septets are not packed: each is one octet
// 0x00-0x7F, after the six header octets when there are several segments.
// That is what SMPP 3.4 §5.2.19's "SMSC default alphabet" means in
// practice: the SMSC packs eight septets into seven octets for the air
// interface, and adds the fill bit that puts the text after the header on
// a septet boundary. So a segment can be 6+153 octets long, which
// short_message (254 octets) allows. An SMSC that wants packed septets,
// or whose default alphabet is not GSM, needs other settings upstream.
//
// When the text needs more than maxSegments (1 to 255), its tail is cut on
// a character boundary, trailing spaces dropped, and "…" appended (or
// "..." in GSM 7-bit, which has no "…") so that the result fits: callers
// put the link first and the subject after it, so the link survives. The
// alphabet is the one the whole text needs. text must be valid UTF-8 and
// not empty. Errors wrap ErrInvalid.
func EncodeTextSMS(text string, ref byte, maxSegments int) (TextSMS, error) {
	switch {
	case maxSegments < 1 || maxSegments > 255:
		return TextSMS{}, invalidf("text SMS: %d segments allowed, not between 1 and 255", maxSegments)
	case text == "":
		return TextSMS{}, invalidf("text SMS: empty text")
	case !utf8.ValidString(text):
		return TextSMS{}, invalidf("text SMS: %q is not valid UTF-8", text)
	}
	a := gsm7Text
	for _, r := range text {
		if _, ok := gsm7Septets[r]; !ok {
			a = ucs2Text
			break
		}
	}
	pieces := a.cut(text)
	if len(pieces) > maxSegments {
		pieces = a.cut(a.trim(text, maxSegments))
	}
	sms := TextSMS{DataCoding: a.coding, Segments: pieces, UDHI: len(pieces) > 1}
	if !sms.UDHI {
		return sms, nil
	}
	for i, p := range pieces {
		seg := make([]byte, 0, udhTextConcat+len(p))
		seg = append(seg, udhTextConcat-1, ieConcat8, 3, ref, byte(len(pieces)), byte(i+1))
		sms.Segments[i] = append(seg, p...)
	}
	return sms, nil
}

// cut writes text and cuts it, greedily, into the texts of its segments:
// greedy filling gives the fewest segments when no character may be split.
func (a textAlphabet) cut(text string) [][]byte {
	var enc []byte
	ends := make([]int, 0, len(text))
	for _, r := range text {
		enc = a.appendRune(enc, r)
		ends = append(ends, len(enc))
	}
	if len(enc) <= a.single {
		return [][]byte{enc}
	}
	var pieces [][]byte
	start, prev := 0, 0
	for _, end := range ends {
		if end-start > a.multi { // a character is at most 4 octets, so prev > start
			pieces = append(pieces, enc[start:prev:prev])
			start = prev
		}
		prev = end
	}
	return append(pieces, enc[start:])
}

// trim returns the longest head of text that, with trailing spaces
// dropped and the ellipsis added, fits maxSegments. The number of
// segments only grows with the head, so a binary search finds it.
func (a textAlphabet) trim(text string, maxSegments int) string {
	// Every character takes at least one octet: no more than limit of them
	// can fit, however long the text. lens[k] is the length of the first k.
	limit := maxSegments * a.single
	lens := make([]int, 1, min(utf8.RuneCountInString(text), limit)+1)
	for i, r := range text {
		if len(lens) > limit {
			break
		}
		lens = append(lens, i+utf8.RuneLen(r))
	}
	head := func(k int) string {
		return strings.TrimRightFunc(text[:lens[k]], unicode.IsSpace) + a.ellipsis
	}
	// k = 0 (the ellipsis alone) always fits.
	k := sort.Search(len(lens), func(k int) bool { return len(a.cut(head(k))) > maxSegments })
	return head(k - 1)
}
