package mm4

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Errors of Parse and ParseAny. Both come wrapped in mms.Permanent: sending
// the same bytes again cannot succeed. ErrMalformed also stands for a report
// or response without a mandatory field: the mail is readable, the PDU is
// not.
var (
	ErrMalformed       = errors.New("malformed MIME")
	ErrUnsupportedType = errors.New("unsupported MM4 message type")
)

// maxReason bounds the error text: it goes into an SMTP reply line, which
// RFC 5321 limits to 512 octets including the code.
const maxReason = 300

// parseError carries a reason that is already one line of printable text, so
// callers may put Error() straight into an SMTP reply.
type parseError struct {
	kind   error // ErrMalformed or ErrUnsupportedType
	reason string
	cause  error // underlying error, kept for errors.Is/As; may be nil
}

func (e *parseError) Error() string { return e.kind.Error() + ": " + e.reason }

func (e *parseError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// malformed builds a permanent ErrMalformed whose reason is format applied to
// args, cleaned to one line.
func malformed(cause error, format string, args ...any) error {
	return mms.Permanent(&parseError{kind: ErrMalformed, reason: oneLine(fmt.Sprintf(format, args...)), cause: cause})
}

// recoveredPanic is the cause of the error Parse returns when it recovers
// from a panic, so tests and fuzzing can tell a bug from bad input.
type recoveredPanic struct{ value any }

func (p recoveredPanic) Error() string { return fmt.Sprintf("panic: %v", p.value) }

func unsupported(msgType string) error {
	return mms.Permanent(&parseError{kind: ErrUnsupportedType, reason: quote(msgType)})
}

// quote renders a value taken from the input for an error text: Go-quoted so
// control bytes show as escapes, and cut short so a hostile value cannot
// crowd out the rest of the reason.
func quote(s string) string {
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
