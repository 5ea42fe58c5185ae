package delivery

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// VASPs delivers recipient d's copy of m to the VASP of route r (MM7: a
// DeliverReq to its short code). An error marked mms.Permanent is final
// (the VASP's 2xxx or 4xxx, no MM7 URL); any other is retried.
type VASPs interface {
	Deliver(ctx context.Context, r route.Route, m *mms.Message, d mms.Delivery) error
}

// MM7 runs one attempt to deliver a recipient's copy of a message to the
// VASP its route names. The VASP's 1000 is the message delivered: the
// recipient becomes retrieved, as a handset's fetch makes it.
type MM7 struct {
	msgs   Deliverables
	routes *route.Cache
	vasps  VASPs
	policy RetryPolicy
	now    func() time.Time
}

// RetryPolicy is the wait after a failed attempt: it starts at Min and
// doubles up to Max.
type RetryPolicy struct {
	Min, Max time.Duration
}

// NewMM7 returns the MM7 attempt runner. now nil means time.Now.
func NewMM7(msgs Deliverables, routes route.Source, vasps VASPs, policy RetryPolicy, now func() time.Time) *MM7 {
	if now == nil {
		now = time.Now
	}
	if policy.Min <= 0 {
		policy.Min = DefaultRetryMin
	}
	if policy.Max < policy.Min {
		policy.Max = max(DefaultRetryMax, policy.Min)
	}
	return &MM7{msgs: msgs, routes: route.NewCache(routes, now), vasps: vasps, policy: policy, now: now}
}

// Attempt delivers d, or settles it.
func (a *MM7) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	now := a.now()
	retry := func(expiry time.Time, err error) mms.Outcome {
		return retryLater(d.State, d.Attempts-1, a.policy.Min, a.policy.Max, a.now(), expiry, err)
	}
	name, _ := d.Route.VASP()
	m, r, done := handover(ctx, a.msgs, a.routes, d, name, route.KindMM7, now, retry)
	if done != nil {
		return *done
	}
	if err := a.vasps.Deliver(ctx, r, m, d); err != nil {
		if mms.IsPermanent(err) {
			return mms.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
		}
		return retry(m.Expiry, err)
	}
	return mms.Outcome{State: mms.StateRetrieved, Next: now}
}
