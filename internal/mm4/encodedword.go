package mm4

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// RFC 2047 §2: an encoded word is at most 75 characters, and a line that
// holds one at most 76.
const (
	maxWordChars = 75
	maxLineChars = 76
)

// encodeText returns s as is when a reader gets it back unchanged that way,
// else as RFC 2047 encoded words separated by spaces (which decoders drop
// between encoded words), the first fitting on the header line after a
// name of keyLen characters. Q is used for mostly Latin text, which stays
// readable in logs, B for the rest, which is shorter. The standard
// library's encoder is not used because it sizes words without regard to
// the header name, so the first line overflows 76 characters.
func encodeText(s string, keyLen int) string {
	if !needsEncoding(s) {
		return s
	}
	nonASCII := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			nonASCII++
		}
	}
	q := nonASCII*2 <= len(s)
	var (
		words []string
		chunk []byte
		limit = min(maxWordChars, maxLineChars-keyLen)
	)
	for _, r := range s {
		next := utf8.AppendRune(chunk, r)
		if len(encodedWord(next, q)) > limit && len(chunk) > 0 {
			words = append(words, encodedWord(chunk, q))
			chunk, limit = utf8.AppendRune(nil, r), maxWordChars-1 // after the folding space
			continue
		}
		chunk = next
	}
	return strings.Join(append(words, encodedWord(chunk, q)), " ")
}

// needsEncoding reports whether s would not survive as plain header text:
// anything but printable ASCII; "=?", which a reader would try to decode;
// white space at either end, which readers trim; two spaces in a row,
// which unfolding may merge; a word too long to fold onto a line.
func needsEncoding(s string) bool {
	if !printableASCII(s, true) || strings.Contains(s, "=?") || strings.Contains(s, "  ") || s != strings.TrimSpace(s) {
		return true
	}
	for _, w := range strings.Fields(s) {
		if len(w) > maxWordLen {
			return true
		}
	}
	return false
}

// encodedWord encodes b, whole UTF-8 characters, as one encoded word.
func encodedWord(b []byte, q bool) string {
	if !q {
		return "=?utf-8?b?" + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var w strings.Builder
	w.WriteString("=?utf-8?q?")
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!*+-/", c) >= 0:
			w.WriteByte(c) // safe even where RFC 2047 §5(3) is strictest
		case c == ' ':
			w.WriteByte('_')
		default:
			fmt.Fprintf(&w, "=%02X", c)
		}
	}
	w.WriteString("?=")
	return w.String()
}
