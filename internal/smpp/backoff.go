package smpp

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff spaces bind attempts: the ceiling doubles from min to max, and
// each wait is drawn from [ceiling/2, ceiling] so that several MMSC nodes
// that lost the same SMSC do not all rebind in the same instant.
type backoff struct {
	min, max time.Duration
	ceiling  time.Duration
}

func (b *backoff) next() time.Duration {
	if b.ceiling == 0 {
		b.ceiling = b.min
	} else {
		b.ceiling = min(2*b.ceiling, b.max)
	}
	half := b.ceiling / 2
	return half + rand.N(b.ceiling-half+1)
}

// reset follows a successful bind: the next failure starts again at min.
func (b *backoff) reset() { b.ceiling = 0 }

// sleep waits d and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
