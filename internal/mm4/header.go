package mm4

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Header values as TS 23.140 §8.4 and RFC 5322 define them, read with the
// tolerance of mm4.md §11.

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
