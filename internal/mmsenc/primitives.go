package mmsenc

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Octet classes of a WSP value (WAP-230-WSP §8.4.1.2): the first octet alone
// says how long the value is, which is what lets a decoder step over values
// it does not understand.
const (
	maxShortLength = 30   // 0x00-0x1E: Short-length
	lengthQuote    = 0x1F // a uintvar length follows
	textQuote      = 0x7F // in front of a Text-string whose first octet is >= 0x80
	stringQuote    = 0x22 // starts a Quoted-string
	shortIntFlag   = 0x80 // 0x80-0xFF: Short-integer
)

// --- encoding ----------------------------------------------------------------

func appendUintvar(b []byte, v uint32) []byte {
	var tmp [5]byte
	i := len(tmp) - 1
	tmp[i] = byte(v & 0x7F)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7F) | 0x80
	}
	return append(b, tmp[i:]...)
}

// appendLongInt writes the minimal Long-integer. MMS dates and sizes always
// take this form, even when they would fit a Short-integer: AOSP reads a
// Short-integer there as a length (rule 2).
func appendLongInt(b []byte, v uint64) []byte {
	n := max(1, (bits.Len64(v)+7)/8)
	b = append(b, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendInteger writes an Integer-value: one octet when the value allows.
func appendInteger(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, shortIntFlag|byte(v))
	}
	return appendLongInt(b, v)
}

// appendValueLength writes the Value-length of a value of n octets.
func appendValueLength(b []byte, n int) []byte {
	if n <= maxShortLength {
		return append(b, byte(n))
	}
	return appendUintvar(append(b, lengthQuote), uint32(n))
}

// checkText refuses what a Text-string cannot carry: a NUL ends it early, and
// a leading control octet (or DEL, the quote) would be read back as a length
// or swallowed as the quote.
func checkText(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Errorf("%q contains a NUL octet at %d", s, i)
	}
	if s != "" && (s[0] < 0x20 || s[0] == textQuote) {
		return fmt.Errorf("%q starts with control character 0x%02X", s, s[0])
	}
	return nil
}

// appendText writes a Text-string, quoting a first octet >= 0x80 (rule 4).
func appendText(b []byte, s string) ([]byte, error) {
	if err := checkText(s); err != nil {
		return b, err
	}
	if s != "" && s[0] >= 0x80 {
		b = append(b, textQuote)
	}
	b = append(b, s...)
	return append(b, 0), nil
}

func textLen(s string) int {
	if s != "" && s[0] >= 0x80 {
		return len(s) + 2
	}
	return len(s) + 1
}

// appendQuoted writes a Quoted-string, the form WSP gives Content-ID.
func appendQuoted(b []byte, s string) ([]byte, error) {
	if err := checkText(s); err != nil {
		return b, err
	}
	b = append(b, stringQuote)
	b = append(b, s...)
	return append(b, 0), nil
}

// appendEncodedString writes an Encoded-string-value labelled UTF-8, the form
// every worked example uses for Subject, To and the status texts, ASCII or
// not: one fixed form is one code path on the handset.
func appendEncodedString(b []byte, s string) ([]byte, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return b, fmt.Errorf("%q contains a NUL octet at %d", s, i)
	}
	if s != "" && s[0] == textQuote {
		return b, fmt.Errorf("%q starts with control character 0x7F", s)
	}
	if !utf8.ValidString(s) {
		return b, fmt.Errorf("%q is not valid UTF-8", s)
	}
	b = appendValueLength(b, 1+textLen(s))
	b = append(b, shortIntFlag|charsetUTF8)
	if s != "" && s[0] >= 0x80 {
		b = append(b, textQuote)
	}
	b = append(b, s...)
	return append(b, 0), nil
}

// --- decoding ----------------------------------------------------------------

// reader walks a PDU. Every read is bounded by end, so a length in the input
// can never send it past the data it was given; sub-readers share buf so that
// offsets in errors stay absolute.
type reader struct {
	buf []byte
	pos int
	end int
}

func newReader(b []byte) *reader { return &reader{buf: b, end: len(b)} }

func (r *reader) failAt(off int, format string, args ...any) error {
	return &DecodeError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}

func (r *reader) left() int { return r.end - r.pos }

func (r *reader) peek() (byte, error) {
	if r.pos >= r.end {
		return 0, r.failAt(r.pos, "unexpected end of data")
	}
	return r.buf[r.pos], nil
}

func (r *reader) octet() (byte, error) {
	c, err := r.peek()
	if err == nil {
		r.pos++
	}
	return c, err
}

// octets returns the next n octets without copying them.
func (r *reader) octets(n int) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, r.failAt(r.pos, "%d octets needed, %d left", n, r.left())
	}
	b := r.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return b, nil
}

// sub returns a reader over the next n octets and moves past them.
func (r *reader) sub(n int) (*reader, error) {
	if n < 0 || n > r.left() {
		return nil, r.failAt(r.pos, "length %d runs past the end (%d octets left)", n, r.left())
	}
	s := &reader{buf: r.buf, pos: r.pos, end: r.pos + n}
	r.pos += n
	return s, nil
}

// uintvar accepts non-minimal encodings (AOSP writes 127 as 80 7F) but
// nothing beyond 32 bits, the range WSP gives it.
func (r *reader) uintvar() (uint32, error) {
	start := r.pos
	var v uint64
	for range 5 {
		c, err := r.octet()
		if err != nil {
			return 0, r.failAt(start, "uintvar runs past the end")
		}
		v = v<<7 | uint64(c&0x7F)
		if c&0x80 == 0 {
			if v > math.MaxUint32 {
				return 0, r.failAt(start, "uintvar %d exceeds 32 bits", v)
			}
			return uint32(v), nil
		}
	}
	return 0, r.failAt(start, "uintvar longer than 5 octets")
}

// valueLength reads a Value-length and checks it against what is left.
func (r *reader) valueLength() (int, error) {
	start := r.pos
	c, err := r.octet()
	if err != nil {
		return 0, err
	}
	n := int(c)
	switch {
	case c <= maxShortLength:
	case c == lengthQuote:
		v, err := r.uintvar()
		if err != nil {
			return 0, err
		}
		n = int(v)
	default:
		return 0, r.failAt(start, "expected a value length, found 0x%02X", c)
	}
	if n > r.left() {
		return 0, r.failAt(start, "value length %d runs past the end (%d octets left)", n, r.left())
	}
	return n, nil
}

// lengthPrefixed returns a reader over a Value-length delimited value.
func (r *reader) lengthPrefixed() (*reader, error) {
	n, err := r.valueLength()
	if err != nil {
		return nil, err
	}
	return r.sub(n)
}

// rawText returns the octets of a NUL-terminated string, without the NUL.
func (r *reader) rawText() ([]byte, error) {
	i := bytes.IndexByte(r.buf[r.pos:r.end], 0)
	if i < 0 {
		return nil, r.failAt(r.pos, "text runs past the end without its NUL")
	}
	s := r.buf[r.pos : r.pos+i]
	r.pos += i + 1
	return s, nil
}

// text reads a Text-string, dropping the quote a first octet >= 0x80 needs.
func (r *reader) text() (string, error) {
	s, err := r.rawText()
	if err != nil {
		return "", err
	}
	if len(s) > 0 && s[0] == textQuote {
		s = s[1:]
	}
	return string(s), nil
}

// textValue reads a Text-string, a Quoted-string or a Token-text alike: the
// decoders of real handsets do not tell them apart, and neither do we.
func (r *reader) textValue() (string, error) {
	s, err := r.rawText()
	if err != nil {
		return "", err
	}
	if len(s) > 0 && (s[0] == textQuote || s[0] == stringQuote) {
		s = s[1:]
	}
	return string(s), nil
}

func (r *reader) longInt() (uint64, error) {
	start := r.pos
	n, err := r.octet()
	if err != nil {
		return 0, err
	}
	if n == 0 || n > maxShortLength {
		return 0, r.failAt(start, "long integer of %d octets (must be 1..30)", n)
	}
	b, err := r.octets(int(n))
	if err != nil {
		return 0, r.failAt(start, "long integer of %d octets runs past the end", n)
	}
	var v uint64
	for _, c := range b {
		if v>>56 != 0 {
			return 0, r.failAt(start, "long integer of %d octets exceeds 64 bits", n)
		}
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// integer reads an Integer-value: Short-integer or Long-integer.
func (r *reader) integer() (uint64, error) {
	c, err := r.peek()
	if err != nil {
		return 0, err
	}
	if c >= shortIntFlag {
		r.pos++
		return uint64(c & 0x7F), nil
	}
	if c == 0 || c > maxShortLength {
		return 0, r.failAt(r.pos, "expected an integer, found 0x%02X", c)
	}
	return r.longInt()
}

// isInteger reports whether the value at r starts like an Integer-value.
func (r *reader) isInteger() bool {
	c, err := r.peek()
	return err == nil && (c >= shortIntFlag || (c >= 1 && c <= maxShortLength))
}

// encodedString reads an Encoded-string-value and returns it as UTF-8 where
// the charset is one we can convert without tables (see decodeCharset).
func (r *reader) encodedString() (string, error) {
	c, err := r.peek()
	if err != nil {
		return "", err
	}
	if c > lengthQuote {
		return r.text()
	}
	v, err := r.lengthPrefixed()
	if err != nil {
		return "", err
	}
	mib, err := v.integer()
	if err != nil {
		return "", within(err, "charset")
	}
	// The value length already delimits the text, so a missing NUL is
	// forgiven; AOSP's own composer has shipped without one.
	s := v.buf[v.pos:v.end]
	if isUTF16(mib) {
		// 16-bit text is full of zero octets; only a trailing NUL (one or
		// two octets, both are seen) ends it.
		switch {
		case len(s)%2 == 1 && s[len(s)-1] == 0:
			s = s[:len(s)-1]
		case len(s) >= 2 && s[len(s)-1] == 0 && s[len(s)-2] == 0:
			s = s[:len(s)-2]
		}
		return decodeCharset(mib, s), nil
	}
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > 0 && s[0] == textQuote {
		s = s[1:]
	}
	return decodeCharset(mib, s), nil
}

// skipValue steps over one header or parameter value of any kind, using only
// the class of its first octet. This is what keeps decoding in step across
// headers we do not know.
func (r *reader) skipValue() error {
	c, err := r.peek()
	if err != nil {
		return err
	}
	switch {
	case c >= shortIntFlag:
		r.pos++
		return nil
	case c <= lengthQuote:
		_, err := r.lengthPrefixed()
		return err
	default:
		_, err := r.rawText()
		return err
	}
}

// decodeCharset converts the charsets that need no tables to UTF-8 and keeps
// every other one as it came: a wrong guess would be worse than the raw text.
func decodeCharset(mib uint64, b []byte) string {
	switch mib {
	case mibISO8859_1:
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	case mibUCS2, mibUTF16BE, mibUTF16:
		return decodeUTF16(b, true)
	case mibUTF16LE:
		return decodeUTF16(b, false)
	}
	return string(b)
}

func isUTF16(mib uint64) bool {
	return mib == mibUCS2 || mib == mibUTF16BE || mib == mibUTF16LE || mib == mibUTF16
}

func decodeUTF16(b []byte, bigEndian bool) string {
	if len(b) >= 2 {
		switch {
		case b[0] == 0xFE && b[1] == 0xFF:
			bigEndian, b = true, b[2:]
		case b[0] == 0xFF && b[1] == 0xFE:
			bigEndian, b = false, b[2:]
		}
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// errNotThisForm tells the header loop that a known header carries a value of
// a form we do not map (a 1.3 variant, a vendor quirk); the header is then
// kept raw in PDU.Unknown instead of failing the whole PDU.
var errNotThisForm = errors.New("value not in a form this field maps")

// isToken reports whether s is an RFC 2045 token, the only thing a
// Token-text may hold.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7F || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return false
		}
	}
	return true
}
