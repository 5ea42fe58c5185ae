package relay

import (
	"context"
	"errors"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
)

// Notifier tells a handset that a message waits for it (for MM1: an
// m-notification-ind in a WAP Push) and returns the SMSC's ID for it. An
// error marked mms.Permanent ends the recipient; any other is retried.
type Notifier interface {
	Notify(ctx context.Context, m *mms.Message, d store.Delivery) (smscID string, err error)
}

// Heads loads what a notification needs of a message, without its content.
type Heads interface {
	Head(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// MM1Policy is when handsets are notified (the [mm1] settings).
type MM1Policy struct {
	RenotifyAfter    time.Duration // wait this long for a fetch before notifying again; doubles each time
	MaxNotifications int           // notifications per recipient, the first included
	RetryMin         time.Duration // first wait after a failed notification; doubles up to RetryMax
	RetryMax         time.Duration
}

// Defaults of MM1Policy, as documented in the README.
const (
	DefaultRenotifyAfter    = time.Hour
	DefaultMaxNotifications = 3
	DefaultRetryMin         = 5 * time.Second
	DefaultRetryMax         = 5 * time.Minute
)

// MM1 runs one delivery attempt for a recipient on route mm1: notify, or
// notify again, or let it expire. It implements the queue's handler.
type MM1 struct {
	heads    Heads
	notifier Notifier
	policy   MM1Policy
	now      func() time.Time
}

// NewMM1 returns the MM1 attempt runner. now nil means time.Now.
func NewMM1(heads Heads, notifier Notifier, policy MM1Policy, now func() time.Time) *MM1 {
	if policy.RenotifyAfter <= 0 {
		policy.RenotifyAfter = DefaultRenotifyAfter
	}
	if policy.MaxNotifications < 1 {
		policy.MaxNotifications = DefaultMaxNotifications
	}
	if policy.RetryMin <= 0 {
		policy.RetryMin = DefaultRetryMin
	}
	if policy.RetryMax < policy.RetryMin {
		policy.RetryMax = max(DefaultRetryMax, policy.RetryMin)
	}
	if now == nil {
		now = time.Now
	}
	return &MM1{heads: heads, notifier: notifier, policy: policy, now: now}
}

// Attempt decides and does what is due for d. Once a handset has been
// notified, the row is next due at the re-notification or, after the last
// notification, at the message's expiry: a message is never re-notified
// once fetched, because a fetch makes the row final.
func (a *MM1) Attempt(ctx context.Context, d store.Delivery) store.Outcome {
	m, err := a.heads.Head(ctx, d.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Outcome{State: mms.StateFailed, Next: a.now(), LastError: "message no longer stored"}
	}
	if err != nil {
		return a.retry(d, time.Time{}, err)
	}
	now := a.now()
	if !now.Before(m.Expiry) {
		return store.Outcome{State: mms.StateExpired, Next: now, LastError: d.LastError}
	}
	if d.State == mms.StateDeferred || d.Notifications >= a.policy.MaxNotifications {
		// The handset will fetch, or has had all its notifications: only
		// the expiry is left to do.
		return store.Outcome{State: d.State, Next: m.Expiry, LastError: d.LastError}
	}
	smscID, err := a.notifier.Notify(ctx, m, d)
	if err != nil {
		if mms.IsPermanent(err) {
			return store.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
		}
		return a.retry(d, m.Expiry, err)
	}
	sent := d.Notifications + 1
	next := m.Expiry
	if sent < a.policy.MaxNotifications {
		next = earliest(now.Add(a.policy.RenotifyAfter<<(sent-1)), m.Expiry)
	}
	return store.Outcome{State: mms.StateNotified, Next: next, Notified: true, SMSCID: smscID}
}

// retry keeps d's state and tries again after a wait that doubles with
// each failed attempt since the last notification, never past expiry.
func (a *MM1) retry(d store.Delivery, expiry time.Time, err error) store.Outcome {
	return retryLater(d.State, d.Attempts-d.Notifications-1, a.policy.RetryMin, a.policy.RetryMax, a.now(), expiry, err)
}
