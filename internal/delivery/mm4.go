package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Peers sends an MM4 message to the peer of route r: envelope from and to,
// the complete message in data. An error marked mms.Permanent is the
// peer's final refusal (5xx); any other is retried.
type Peers interface {
	Send(ctx context.Context, r route.Route, from string, to []string, data []byte) error
}

// Deliverables loads a message with its parts, as a peer gets it.
type Deliverables interface {
	Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// MM4Policy is how messages are forwarded to peers.
type MM4Policy struct {
	MMSDomain       string // ours: senders are written at it
	SystemAddress   string // our X-Mms-Originator-System unless the route names another; "" = system-user@MMSDomain
	MaxForwards     int    // a message that has passed this many MMSCs is not forwarded again (a loop)
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
	m, err := a.msgs.Deliverable(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return mms.Outcome{State: mms.StateFailed, Next: now, LastError: "message no longer stored"}
	}
	if err != nil {
		return a.retry(d, time.Time{}, err)
	}
	if !now.Before(m.Expiry) {
		return mms.Outcome{State: mms.StateExpired, Next: now, LastError: d.LastError}
	}
	name, _ := d.Route.Peer()
	table, err := a.routes.Table(ctx)
	if err != nil {
		return a.retry(d, m.Expiry, err)
	}
	r, ok := table.Named(name)
	if !ok || r.Kind != route.KindMM4 {
		return mms.Outcome{State: mms.StateFailed, Next: now, LastError: "route " + name + " no longer exists"}
	}
	if m.ForwardCounter+1 > a.policy.MaxForwards {
		return mms.Outcome{State: mms.StateFailed, Next: now,
			LastError: fmt.Sprintf("forwarded %d times already: a routing loop?", m.ForwardCounter)}
	}
	from, to, data, err := a.build(m, d, r, now)
	if err != nil {
		return mms.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
	}
	if err := a.peers.Send(ctx, r, from, to, data); err != nil {
		if mms.IsPermanent(err) {
			return mms.Outcome{State: mms.StateFailed, Next: now, LastError: err.Error()}
		}
		return a.retry(d, m.Expiry, err)
	}
	return mms.Outcome{State: mms.StateSent, Next: earliest(now.Add(a.policy.ResponseTimeout), m.Expiry)}
}

// build writes the MM4_forward.REQ for d: this recipient only, addressed as
// the peer wants numbers, from the sender at our domain (or the route's
// sender when the message's may not be used), asking for the RES that
// confirms it and for the reports the sender asked for.
func (a *MM4) build(m *mms.Message, d mms.Delivery, r route.Route, now time.Time) (from string, to []string, data []byte, err error) {
	from = a.sender(m, r)
	rcpt := r.PeerAddress(d.Address)
	origin := cmp.Or(r.OriginatorSystem, a.policy.SystemAddress, "system-user@"+a.policy.MMSDomain)
	mid := m.MM4MessageID
	if mid == "" {
		mid = string(m.ID) + "@" + a.policy.MMSDomain
	}
	data, err = mm4.BuildForward(m, mm4.Forward{
		From: from, To: []string{rcpt}, TransactionID: d.TransactionID, MessageID: mid,
		OriginatorSystem: origin, AckRequest: true, DeliveryReport: m.DeliveryReport, ReadReply: m.ReadReply,
		ForwardCounter: m.ForwardCounter + 1, Date: now,
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("build MM4_forward.REQ: %w", err)
	}
	return from, []string{rcpt}, data, nil
}

// sender is the From towards the peer: the message's sender at our domain
// when it is a number, as it is otherwise, or the route's sender when the
// route has one and does not let the message's through.
func (a *MM4) sender(m *mms.Message, r route.Route) string {
	if r.Sender != "" && !r.SenderOverride {
		return r.Sender
	}
	addr := mms.HandsetAddress(m.Originator())
	if number, ok := strings.CutSuffix(addr, "/TYPE=PLMN"); ok {
		return number + "/TYPE=PLMN@" + a.policy.MMSDomain
	}
	if addr == "" && r.Sender != "" {
		return r.Sender
	}
	return addr
}

func (a *MM4) retry(d mms.Delivery, expiry time.Time, err error) mms.Outcome {
	return retryLater(d.State, d.Attempts-1, a.policy.RetryMin, a.policy.RetryMax, a.now(), expiry, err)
}
