package smpp

import "errors"

var (
	// ErrNoLink means no bound link exists right now: no SMSC configured,
	// the SMSC absent, or a rebind in progress. Temporary.
	ErrNoLink = errors.New("smpp: no bound link to the SMSC")

	// ErrLinkDropped means the link died while a submit_sm was written or
	// awaited its response. The SMSC may or may not have accepted the
	// segment, so a retry can duplicate it. Temporary.
	ErrLinkDropped = errors.New("smpp: link dropped before submit_sm_resp")

	// ErrResponseTimeout means no submit_sm_resp came within
	// Config.SubmitTimeout. Like ErrLinkDropped the outcome is unknown.
	// Temporary.
	ErrResponseTimeout = errors.New("smpp: no submit_sm_resp in time")

	// ErrInvalidMessage means the Message (or the configured source
	// address) cannot be put into a submit_sm at all. Permanent.
	ErrInvalidMessage = errors.New("smpp: invalid message")
)

// Temporary reports whether sending again later may succeed. A
// StatusError answers for itself; ErrInvalidMessage is permanent; every
// other error (no link, link dropped, timeouts, context ends, network
// errors) is temporary, because for an error nobody classified the safe
// answer is to let the caller retry within its own bounds.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Temporary()
	}
	return !errors.Is(err, ErrInvalidMessage)
}
