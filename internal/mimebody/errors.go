package mimebody

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// ErrMalformed is wrapped by every error of input that cannot be read
// without guessing its content.
var ErrMalformed = errors.New("malformed MIME")

// maxReason bounds the error text: it goes into an SMTP reply line, which
// RFC 5321 limits to 512 octets including the code.
const maxReason = 300

// malformedError carries a reason that is already one line of printable
// text, so callers may put Error() straight into an SMTP reply or a SOAP
// fault.
type malformedError struct {
	reason string
	cause  error // underlying error, kept for errors.Is/As; may be nil
}

func (e *malformedError) Error() string { return ErrMalformed.Error() + ": " + e.reason }

func (e *malformedError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrMalformed}
	}
	return []error{ErrMalformed, e.cause}
}

// Malformed returns the error this package gives for input it refuses:
// "malformed MIME: " and reason, cleaned to one short line. It is
// mms.Permanent, since the same bytes sent again cannot fare better, and
// wraps ErrMalformed and cause (when not nil). Formats read on top of MIME
// use it for their own refusals, so that all read alike.
func Malformed(cause error, reason string) error {
	return mms.Permanent(&malformedError{reason: oneLine(reason), cause: cause})
}

// malformedf is Malformed with the reason formatted.
func malformedf(cause error, format string, args ...any) error {
	return Malformed(cause, fmt.Sprintf(format, args...))
}

// Quote renders a value taken from the input for an error text: Go-quoted
// so control bytes show as escapes, and cut short so a hostile value cannot
// crowd out the rest of the reason.
func Quote(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q...", s[:cut])
	}
	return fmt.Sprintf("%q", s)
}

// oneLine replaces control characters (which include CR and LF) with spaces
// and bounds the length, whatever a wrapped library error contained.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxReason {
		cut := maxReason
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
