package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Notifier tells a handset that a message waits for it (for MM1: an
// m-notification-ind in a WAP Push) and returns the SMSC's ID for it. An
// error marked mms.Permanent ends the recipient; any other is retried.
type Notifier interface {
	Notify(ctx context.Context, m *mms.Message, d mms.Delivery) (smscID string, err error)
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
	// ConvertAfter is how long after its arrival a message not yet
	// retrieved is sent as a web link instead (through WebLink); 0 never.
	ConvertAfter time.Duration
	WebLink      Notifier
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
	observer Observer // nil: nobody is told of first notifications
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
func (a *MM1) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	m, err := a.heads.Head(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return mms.Outcome{State: mms.StateFailed, Next: a.now(), LastError: "message no longer stored"}
	}
	if err != nil {
		return a.retry(d, time.Time{}, err)
	}
	now := a.now()
	if !now.Before(m.Expiry) {
		return mms.Outcome{State: mms.StateExpired, Next: now, LastError: d.LastError}
	}
	convertAt, convert := a.convertAt(m, d)
	if convert && !now.Before(convertAt) {
		return a.convert(ctx, m, d, now)
	}
	if d.State == mms.StateDeferred || d.Notifications >= a.policy.MaxNotifications {
		// The handset will fetch, or has had all its notifications: only
		// the conversion or the expiry is left to do.
		return mms.Outcome{State: d.State, Next: until(m.Expiry, convertAt, convert), LastError: d.LastError}
	}
	smscID, err := a.notifier.Notify(ctx, m, d)
	if err != nil {
		if mms.IsPermanent(err) {
			return mms.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
		}
		return a.retry(d, m.Expiry, err)
	}
	if d.Notifications == 0 && a.observer != nil {
		a.observer.Notified(routeKind(d.Route), a.now().Sub(couldGo(m, d)))
	}
	sent := d.Notifications + 1
	next := m.Expiry
	if sent < a.policy.MaxNotifications {
		next = earliest(now.Add(a.policy.RenotifyAfter<<(sent-1)), m.Expiry)
	}
	return mms.Outcome{State: mms.StateNotified, Next: until(next, convertAt, convert), Notified: true, SMSCID: smscID}
}

// couldGo is when d's message could first go to it: its first attempt's
// due time when this is that attempt (the delivery time the sender asked
// for, or its pace allowed, when later than its arrival), else its arrival.
func couldGo(m *mms.Message, d mms.Delivery) time.Time {
	if d.Attempts == 1 && d.NextAttempt.After(m.Received) {
		return d.NextAttempt
	}
	return m.Received
}

// convertAt is when d, on route mm1, is to become a web link; false if it
// never is (no conversion configured, or it is not an MM1 recipient: the
// runner also serves the page routes, which have nothing to convert to).
func (a *MM1) convertAt(m *mms.Message, d mms.Delivery) (time.Time, bool) {
	if a.policy.ConvertAfter <= 0 || a.policy.WebLink == nil || d.Route != mms.RouteMM1 {
		return time.Time{}, false
	}
	return m.Received.Add(a.policy.ConvertAfter), true
}

// until is next, or the conversion if that comes first.
func until(next, convertAt time.Time, convert bool) time.Time {
	if convert {
		return earliest(next, convertAt)
	}
	return next
}

// convert sends d the web link to the message's page and moves it to the
// web-link route, so it is converted once: from then on the page's first
// view retrieves it and the expiry ends it, with reports as for MM1. The
// token stays, so the handset may still fetch the MMS it was told of.
func (a *MM1) convert(ctx context.Context, m *mms.Message, d mms.Delivery, now time.Time) mms.Outcome {
	smscID, err := a.policy.WebLink.Notify(ctx, m, mms.Delivery{
		ID: d.ID, MessageID: d.MessageID, Address: d.Address, Route: mms.RouteWebLink, Token: d.Token,
	})
	if err != nil {
		if mms.IsPermanent(err) {
			return mms.Outcome{State: mms.StateFailed, Next: now, LastError: "web link: " + err.Error()}
		}
		return a.retry(d, m.Expiry, err)
	}
	return mms.Outcome{State: mms.StateNotified, Next: m.Expiry, Notified: true, SMSCID: smscID,
		Route: mms.RouteWebLink, LastError: "not retrieved in " + a.policy.ConvertAfter.String() + "; sent as a web link"}
}

// retry keeps d's state and tries again after a wait that doubles with
// each failed attempt since the last notification, never past expiry.
func (a *MM1) retry(d mms.Delivery, expiry time.Time, err error) mms.Outcome {
	return retryLater(d.State, d.Attempts-d.Notifications-1, a.policy.RetryMin, a.policy.RetryMax, a.now(), expiry, err)
}
