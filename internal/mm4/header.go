package mm4

import (
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// Header values as TS 23.140 §8.4 and RFC 5322 define them, read with the
// tolerance of mm4.md §11.

// unquoteID strips the quotes and angle brackets peers put around IDs in
// either order ("<x>", "\"x\"", "\"<x>\""), because IDs are compared bare.
func unquoteID(s string) string {
	for {
		s = strings.TrimSpace(s)
		switch {
		case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
			s = s[1 : len(s)-1]
		case len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>':
			s = s[1 : len(s)-1]
		default:
			return s
		}
	}
}

// yes reports whether a yes-no value says Yes, in any case.
func yes(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "yes") }

// canonicalToken returns the member of tokens that s names, ignoring case, or
// "" when s names none: an unknown class or priority is treated as absent
// rather than passed on in a form the MM1 encoder cannot map.
func canonicalToken(s string, tokens ...string) string {
	s = strings.TrimSpace(s)
	for _, t := range tokens {
		if strings.EqualFold(s, t) {
			return t
		}
	}
	return ""
}

// maxRelativeExpiry bounds a relative X-Mms-Expiry so that now+n cannot
// overflow time.Duration; ten years is longer than any MMSC keeps a message.
const maxRelativeExpiry = 10 * 365 * 24 * 3600

// parseExpiry reads X-Mms-Expiry as a number of seconds after now or as a
// date (mm4.md §5). It returns the zero time for a value it cannot read:
// expiry is advice, and the MMSC's own retention applies without it.
func parseExpiry(s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		if n > maxRelativeExpiry {
			return time.Time{}
		}
		return now.Add(time.Duration(n) * time.Second)
	}
	return parseDate(s)
}

// parseDate reads an RFC 5322 date-time, returning the zero time when it
// cannot: a bad Date is no reason to refuse a message.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	// The usual form first: net/mail tries it only after twelve layouts
	// without the day of the week, each failure costing allocations. A
	// value it fits starts with a letter, so those twelve cannot fit it,
	// and its only '+' or '-' is the zone's at its end, so net/mail would
	// hand time.Parse the value unchanged.
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	// Forms net/mail rejects that gateways send anyway: asctime-like dates
	// and ISO 8601.
	for _, layout := range []string{
		"Mon Jan 2 15:04:05 2006",
		"Mon Jan 2 15:04:05 MST 2006",
		time.RFC3339,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// decodeText decodes RFC 2047 encoded words. A value that fails to decode is
// kept as sent; raw 8-bit bytes are taken as UTF-8 when they are valid UTF-8
// and as ISO-8859-1 otherwise, so the result is always valid UTF-8.
func decodeText(s string) string {
	dec := mime.WordDecoder{CharsetReader: charset.Reader}
	if d, err := dec.DecodeHeader(s); err == nil {
		s = d
	}
	return toUTF8(s)
}

// toUTF8 makes s valid UTF-8, reading it as ISO-8859-1 when it is not: the
// charset a header without RFC 2047 most often turns out to be in.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.ISO8859_1.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}
