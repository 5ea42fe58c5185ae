package mm4

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// Checks the builders make on their input, so that what they write is a
// well-formed mail that ParseAny reads back to the same values. They also
// keep line breaks out of every header, so that no value can add one.

// checkID accepts an X-Mms-Transaction-ID or X-Mms-Message-ID for writing
// quoted. IDs we make have no spaces, but an echoed ID is the peer's and
// must go back as it came (mm4.md §7 rule 4), so only what would break
// the quoting or the header line is refused.
func checkID(name, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("no %s", name)
	case !printableASCII(id, true), strings.Contains(id, `"`):
		return fmt.Errorf("%s %s: want printable ASCII without quotes", name, mimebody.Quote(id))
	case mimebody.BareID(id) != id:
		return fmt.Errorf("%s %s: white space or angle brackets around it would be lost", name, mimebody.Quote(id))
	case len(id) > maxWordLen:
		return fmt.Errorf("%s of %d characters: at most %d fit on a header line", name, len(id), maxWordLen)
	}
	return nil
}

// checkAddress accepts one address for a header that holds one (From, To
// of a report, Sender, X-Mms-Originator-System, each entry of a To or Cc
// list): bare, or after a display name in angle brackets.
func checkAddress(name, addr string) error {
	if strings.TrimSpace(addr) == "" {
		return fmt.Errorf("no %s", name)
	}
	if !printableASCII(addr, true) {
		return fmt.Errorf("%s %s: only printable ASCII allowed", name, mimebody.Quote(addr))
	}
	if n := len(addressList([]string{addr})); n != 1 {
		return fmt.Errorf("%s %s: want one address, not %d", name, mimebody.Quote(addr), n)
	}
	// A reader strips a display name, and must find the address as given:
	// not, say, "0" in ":0", which reads as a group.
	bare := firstAddress(addr)
	if (addr != bare && !strings.HasSuffix(strings.TrimSpace(addr), "<"+bare+">")) || firstAddress(bare) != bare {
		return fmt.Errorf("%s %s would be read as %s", name, mimebody.Quote(addr), mimebody.Quote(bare))
	}
	for _, w := range strings.Fields(addr) {
		if len(w) > maxWordLen {
			return fmt.Errorf("%s of %d characters: at most %d fit on a header line", name, len(w), maxWordLen)
		}
	}
	return nil
}

// checkText accepts a human-readable value (X-Mms-Status-Text): one line
// of UTF-8, encoded on the way out as needed.
func checkText(name, s string) error {
	if !utf8.ValidString(s) || hasControl(s) {
		return fmt.Errorf("%s must be one line of UTF-8 text", name)
	}
	return nil
}

// checkDate refuses dates that an RFC 5322 date-time cannot carry (a year
// of other than four digits) or that lose their meaning in one (an offset
// with seconds). The zero time is fine: the builders write now instead.
func checkDate(name string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.Year(); y < 1900 || y > 9999 {
		return fmt.Errorf("%s %v: year out of range", name, t)
	}
	if _, off := t.Zone(); off%60 != 0 {
		return fmt.Errorf("%s %v: zone offset is not whole minutes", name, t)
	}
	return nil
}

// firstError returns the first non-nil error: the builders check every
// field in order and report the first thing wrong.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// hasControl reports a control character: one of those would break the
// header line it is written on, and mimebody.Clean turns it into a space
// on the way back in.
func hasControl(s string) bool { return mimebody.Clean(s) != s }
