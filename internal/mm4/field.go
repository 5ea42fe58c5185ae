package mm4

import (
	"bytes"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// dateLayout is the RFC 5322 date-time of mm4.md §5 and §12.
const dateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// writeField writes one header field, folded at spaces to keep lines
// within 76 characters where the value allows (RFC 5322 §2.2.3).
func writeField(b *bytes.Buffer, key, value string) {
	b.WriteString(key + ":")
	col := len(key) + 1
	for i, word := range strings.Split(value, " ") {
		if i > 0 && col+1+len(word) > 76 {
			b.WriteString("\r\n")
			col = 0
		}
		b.WriteString(" " + word)
		col += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// writeID writes an X-Mms-*-ID quoted, as the TS example does, and
// unfolded: the peer echoes it byte for byte, and unfolding could merge two
// spaces in it. checkID has bounded its length.
func writeID(b *bytes.Buffer, key, id string) {
	b.WriteString(key + `: "` + id + "\"\r\n")
}

// newMailID returns a fresh RFC 5322 Message-ID, brackets included, with
// the sending system's domain on the right so that it is unique across
// MMSCs.
func newMailID(date time.Time, domain string) string {
	return "<" + string(mms.NewMessageID(date)) + "@" + domain + ">"
}

// domainOf returns the domain of the first address that has one, or
// "localhost".
func domainOf(addresses ...string) string {
	for _, a := range addresses {
		if at := strings.LastIndexByte(a, '@'); at >= 0 {
			if d := strings.Trim(a[at+1:], "<> "); d != "" {
				return d
			}
		}
	}
	return "localhost"
}

// orNow is the date a builder writes: the one given, or now.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
