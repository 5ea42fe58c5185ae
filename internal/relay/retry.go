package relay

import (
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
)

// retryLater is the outcome of an attempt that failed for now: the row
// keeps state and is due again after a wait that starts at lo and doubles
// with each earlier failure up to hi, but never after expiry (zero: none).
func retryLater(state mms.State, failures int, lo, hi time.Duration, now, expiry time.Time, err error) store.Outcome {
	wait := hi
	if failures < 20 {
		wait = min(lo<<max(failures, 0), hi)
	}
	next := now.Add(wait)
	if !expiry.IsZero() {
		next = earliest(next, expiry)
	}
	return store.Outcome{State: state, Next: next, LastError: fmt.Sprintf("temporary: %v", err)}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
