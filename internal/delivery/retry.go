package delivery

import (
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// retryLater is the outcome of an attempt that failed for now: the row
// keeps state and is due again after backoff.
func retryLater(state mms.State, failures int, lo, hi time.Duration, now, expiry time.Time, err error) mms.Outcome {
	return mms.Outcome{State: state, Next: backoff(failures, lo, hi, now, expiry), LastError: temporary(err), Temporary: true}
}

// backoff is when a row that failed for now is due again: after a wait
// that starts at lo and doubles with each earlier failure up to hi, but
// never after expiry (zero: none).
func backoff(failures int, lo, hi time.Duration, now, expiry time.Time) time.Time {
	wait := hi
	if failures < 20 {
		wait = min(lo<<max(failures, 0), hi)
	}
	next := now.Add(wait)
	if !expiry.IsZero() {
		next = earliest(next, expiry)
	}
	return next
}

// temporaryPrefix starts the recorded reason of a failure that will be
// retried.
const temporaryPrefix = "temporary: "

// temporary is the recorded reason of a failure that will be retried.
func temporary(err error) string { return temporaryPrefix + fmt.Sprint(err) }

// isRetry reports whether o is a failure that will be retried.
func isRetry(o mms.Outcome) bool { return strings.HasPrefix(o.LastError, temporaryPrefix) }

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
