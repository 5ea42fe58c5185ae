package mimebody

import (
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Text reads an unstructured header value (a Subject, a parameter value)
// as one line of UTF-8: RFC 2047 encoded words decoded, a value that fails
// to decode kept as sent, raw 8-bit bytes read by UTF8 and control
// characters made spaces by Clean.
func Text(v string) string {
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	if d, err := dec.DecodeHeader(v); err == nil {
		v = d
	}
	return Clean(UTF8(v))
}

// UTF8 makes a raw header value valid UTF-8, reading it as ISO-8859-1 when
// it is not UTF-8 already: the charset a header without RFC 2047 most often
// turns out to be in.
func UTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.ISO8859_1.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}

// Clean replaces control characters with spaces: values taken from the
// input end up in other headers and must not be able to break lines there.
func Clean(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }
