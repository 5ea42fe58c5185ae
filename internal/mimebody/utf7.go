package mimebody

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// utf7 is UTF-7 (RFC 2152), which golang.org/x/text names but cannot
// decode. It only decodes: this package reads text, and a writer that
// quietly did nothing (encoding.Nop) would pass off UTF-8 as UTF-7.
var utf7 encoding.Encoding = utf7Encoding{}

// errUTF7Encode is what the encoder fails with on any input.
var errUTF7Encode = errors.New("mimebody: encoding to UTF-7 is not supported, only decoding")

type utf7Encoding struct{}

func (utf7Encoding) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: &utf7Decoder{}}
}

func (utf7Encoding) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: utf7Encoder{}}
}

func (utf7Encoding) String() string { return "UTF-7" }

type utf7Encoder struct{ transform.NopResetter }

func (utf7Encoder) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	if len(src) == 0 {
		return 0, 0, nil
	}
	return 0, 0, errUTF7Encode
}

// utf7Decoder is a transform.Transformer from UTF-7 to UTF-8. Ill-formed
// input never fails the transform but becomes U+FFFD, one per offence, as
// x/text's decoders do with bytes their charset lacks: an error would make
// toUTF8Text keep the whole part undecoded and labelled UTF-7, and make
// Text keep the whole encoded word as sent, losing the text around the
// fault to save a mark that says where the fault was.
//
// Its state lives between calls, since a shifted run may be split
// anywhere across the chunks a reader hands over.
type utf7Decoder struct {
	shifted bool   // inside a '+' run
	empty   bool   // and no base64 character read in it yet
	bits    uint32 // base64 bits not yet making up a UTF-16 unit, low nbits
	nbits   uint
	high    rune // a high surrogate waiting for its low half, or 0
}

// utf7MaxStep bounds what one input byte (or the end of input) can write:
// U+FFFD for a pending high surrogate, U+FFFD for bad leftover bits, and
// U+FFFD for the byte that ended the run being 8-bit.
const utf7MaxStep = 3 * utf8.UTFMax

func (d *utf7Decoder) Reset() { *d = utf7Decoder{} }

func (d *utf7Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	var buf [utf7MaxStep]byte
	for nSrc < len(src) {
		// Work on a copy so that a step that does not fit in dst leaves
		// no trace and is done again on the next call.
		next := *d
		out := next.step(buf[:0], src[nSrc])
		if len(out) > len(dst)-nDst {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], out)
		nSrc++
		*d = next
	}
	if atEOF && d.shifted {
		next := *d
		out := next.endRun(buf[:0])
		if len(out) > len(dst)-nDst {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], out)
		*d = next
	}
	return nDst, nSrc, nil
}

// step reads one input byte, appending what it decodes to.
func (d *utf7Decoder) step(out []byte, c byte) []byte {
	if d.shifted {
		if v, ok := base64Value(c); ok {
			d.empty = false
			d.bits = d.bits<<6 | uint32(v)
			d.nbits += 6
			if d.nbits < 16 {
				return out
			}
			d.nbits -= 16
			unit := rune(d.bits >> d.nbits)
			d.bits &= 1<<d.nbits - 1
			return d.unit(out, unit)
		}
		// "+-" is '+'; any other run ends before c, and a '-' ending
		// it only marks the end.
		if c == '-' && d.empty {
			*d = utf7Decoder{}
			return append(out, '+')
		}
		out = d.endRun(out)
		if c == '-' {
			return out
		}
	}
	switch {
	case c == '+':
		d.shifted, d.empty = true, true
		return out
	case c >= utf8.RuneSelf:
		return utf8.AppendRune(out, utf8.RuneError)
	}
	// RFC 2152 writes only sets D and O and white space directly, but
	// other ASCII (backslash, tilde, controls) can mean nothing but itself;
	// control characters are for the callers to judge.
	return append(out, c)
}

// unit appends one UTF-16 code unit read from a run, pairing surrogates.
func (d *utf7Decoder) unit(out []byte, u rune) []byte {
	if d.high != 0 {
		high := d.high
		d.high = 0
		if isLowSurrogate(u) {
			return utf8.AppendRune(out, utf16.DecodeRune(high, u))
		}
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	switch {
	case utf16.IsSurrogate(u) && !isLowSurrogate(u):
		d.high = u
		return out
	case isLowSurrogate(u): // with no high half before it
		return utf8.AppendRune(out, utf8.RuneError)
	}
	return utf8.AppendRune(out, u)
}

func isLowSurrogate(u rune) bool { return 0xdc00 <= u && u < 0xe000 }

// endRun closes a run, flagging what it leaves unfinished: a high
// surrogate (pairs do not span runs), bits that are not the zero padding
// of the last character (RFC 2152 rule 2), or a '+' not followed by base64
// or '-', which RFC 2152 calls ill-formed.
func (d *utf7Decoder) endRun(out []byte) []byte {
	if d.high != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	if d.empty || d.nbits >= 6 || d.bits != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	*d = utf7Decoder{}
	return out
}

// base64Value is the value of c in the base64 alphabet, which RFC 2152
// uses without padding.
func base64Value(c byte) (byte, bool) {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A', true
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26, true
	case '0' <= c && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}
