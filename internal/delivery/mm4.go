package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Peers forwards recipient d's copy of m to the peer MMSC of route r, in
// the form of the route's interface (MM4: an MM4_forward.REQ asking for the
// response that confirms it). An error marked mms.Permanent is final (the
// peer's 5xx, a request that cannot be written); any other is retried.
type Peers interface {
	Forward(ctx context.Context, r route.Route, m *mms.Message, d mms.Delivery, now time.Time) error
}

// Deliverables loads a message with its parts, as a peer gets it.
type Deliverables interface {
	Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// MM4Policy is how messages are forwarded to peers.
type MM4Policy struct {
	MaxForwards     int // a message that has passed this many MMSCs is not forwarded again (a loop)
	RetryMin        time.Duration
	RetryMax        time.Duration
	ResponseTimeout time.Duration // how long to wait for the peer's MM4_forward.RES before taking its 250 as the answer
}

// Defaults of MM4Policy.
const (
	DefaultMaxForwards     = 5
	DefaultResponseTimeout = 24 * time.Hour
)

// MM4 runs one attempt to forward a recipient's copy of a message to the
// peer MMSC its route names (3GPP TS 23.140 §8.4.1).
type MM4 struct {
	msgs   Deliverables
	routes *route.Cache
	peers  Peers
	policy MM4Policy
	now    func() time.Time
}

// NewMM4 returns the MM4 attempt runner. now nil means time.Now.
func NewMM4(msgs Deliverables, routes route.Source, peers Peers, policy MM4Policy, now func() time.Time) *MM4 {
	if now == nil {
		now = time.Now
	}
	if policy.MaxForwards < 1 {
		policy.MaxForwards = DefaultMaxForwards
	}
	if policy.RetryMin <= 0 {
		policy.RetryMin = DefaultRetryMin
	}
	if policy.RetryMax < policy.RetryMin {
		policy.RetryMax = max(DefaultRetryMax, policy.RetryMin)
	}
	if policy.ResponseTimeout <= 0 {
		policy.ResponseTimeout = DefaultResponseTimeout
	}
	return &MM4{msgs: msgs, routes: route.NewCache(routes, now), peers: peers, policy: policy, now: now}
}

// Attempt forwards d, or settles it: a forward the peer accepted (state
// sent) becomes forwarded when its MM4_forward.RES has not come within
// ResponseTimeout, or at the message's expiry, since the peer's 250 already
// made it responsible; a forward that never got through expires.
func (a *MM4) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	now := a.now()
	if d.State == mms.StateSent {
		return mms.Outcome{State: mms.StateForwarded, Next: now, LastError: "no MM4_forward.RES from the peer; its SMTP 250 stands"}
	}
	name, _ := d.Route.Peer()
	m, r, done := handover(ctx, a.msgs, a.routes, d, name, route.KindMM4, now,
		func(expiry time.Time, err error) mms.Outcome { return a.retry(d, expiry, err) })
	if done != nil {
		return *done
	}
	if m.ForwardCounter+1 > a.policy.MaxForwards {
		return mms.Outcome{State: mms.StateFailed, Next: now,
			LastError: fmt.Sprintf("forwarded %d times already: a routing loop?", m.ForwardCounter)}
	}
	if err := a.peers.Forward(ctx, r, m, d, now); err != nil {
		if mms.IsPermanent(err) {
			return mms.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
		}
		return a.retry(d, m.Expiry, err)
	}
	return mms.Outcome{State: mms.StateSent, Next: earliest(now.Add(a.policy.ResponseTimeout), m.Expiry)}
}

func (a *MM4) retry(d mms.Delivery, expiry time.Time, err error) mms.Outcome {
	return retryLater(d.State, d.Attempts-1, a.policy.RetryMin, a.policy.RetryMax, a.now(), expiry, err)
}
