package mm4

import (
	"errors"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Errors of Parse and ParseAny. Both come wrapped in mms.Permanent: sending
// the same bytes again cannot succeed. ErrMalformed is mimebody's, so that
// a body it refuses and a PDU refused here are one class to the SMTP
// server; here it also stands for a report or response without a
// mandatory field: the mail is readable, the PDU is not.
var (
	ErrMalformed       = mimebody.ErrMalformed
	ErrUnsupportedType = errors.New("unsupported MM4 message type")
)

// recoveredPanic is the cause of the error Parse returns when it recovers
// from a panic, so tests and fuzzing can tell a bug from bad input.
type recoveredPanic struct{ value any }

func (p recoveredPanic) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// unsupported refuses a PDU type; Quote keeps the reason one line.
func unsupported(msgType string) error {
	return mms.Permanent(fmt.Errorf("%w: %s", ErrUnsupportedType, mimebody.Quote(msgType)))
}
