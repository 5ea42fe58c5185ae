package queue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Renewer extends leases: Renew extends to now+leaseFor the live leases
// owner holds on rows ids and returns the IDs it extended. A row it does
// not return is no longer owner's to extend (released, taken away, run
// out) or already held longer.
type Renewer interface {
	Renew(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error)
}

// renewals is how many renewals a lease sees in its length: with three, a
// lease survives two failed renewals in a row (a database that stalls for
// a few seconds) and ends at most leaseFor after its node died.
const renewals = 3

// errLeaseRunningOut ends an attempt whose lease was not renewed in time:
// another node may take the row over soon, and an attempt that sent after
// that would deliver twice.
var errLeaseRunningOut = fmt.Errorf("queue: the lease was not renewed in time; giving up before another node may take the row (%w)",
	context.DeadlineExceeded)

// Leases are the rows this process holds in one table (deliveries, or the
// outbox), whichever of its queues leased them, and their heartbeat: while
// the process lives, Run renews them every leaseFor/3 in one write, so
// that an attempt may take as long as it takes while a dead process's rows
// are taken over leaseFor after it stopped renewing.
//
// Each attempt's context ends when its lease is about to run out
// unrenewed (a tenth of it left: leaseMargin): if renewals fail (the
// database is down or stalls), the attempt gives up before another node
// can take its row, rather than send after it has.
type Leases struct {
	st       Renewer
	owner    string
	leaseFor time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu   sync.Mutex
	held map[int64]*hold
}

// hold is one leased row, as this process knows it.
type hold struct {
	expires time.Time // when its lease runs out in the store: set by the lease, moved by renewals
	timer   *time.Timer
	cancel  context.CancelCauseFunc
}

// NewLeases returns the leases owner takes in st's table for leaseFor
// (0: DefaultLeaseFor). now nil means time.Now. Nothing is renewed until
// Run.
func NewLeases(st Renewer, owner string, leaseFor time.Duration, now func() time.Time, log *slog.Logger) *Leases {
	if leaseFor <= 0 {
		leaseFor = DefaultLeaseFor
	}
	if now == nil {
		now = time.Now
	}
	return &Leases{st: st, owner: owner, leaseFor: leaseFor, now: now, log: log, held: map[int64]*hold{}}
}

// Run renews the leases held every leaseFor/3 until ctx ends.
func (l *Leases) Run(ctx context.Context) {
	t := time.NewTicker(l.leaseFor / renewals)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.renew(ctx)
	}
}

// renew extends every lease held, in one write; nothing when none is.
func (l *Leases) renew(ctx context.Context) {
	l.mu.Lock()
	ids := make([]int64, 0, len(l.held))
	for id := range l.held {
		ids = append(ids, id)
	}
	l.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	now := l.now()
	renewed, err := l.st.Renew(ctx, l.owner, ids, now, l.leaseFor)
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn("queue: could not renew the leases held; attempts give up before their leases run out",
				"leases", len(ids), "err", err)
		}
		return
	}
	until := now.Add(l.leaseFor)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range renewed {
		if h := l.held[id]; h != nil && h.expires.Before(until) {
			h.expires = until
		}
	}
}

// hold registers row id, leased at leased, for the attempt that runs
// under ctx: the context returned ends when the lease is about to run
// out unrenewed. done must be called when the attempt's outcome is
// recorded.
func (l *Leases) hold(ctx context.Context, id int64, leased time.Time) (_ context.Context, done func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	h := &hold{expires: leased.Add(l.leaseFor), cancel: cancel}
	l.mu.Lock()
	l.held[id] = h
	h.timer = time.AfterFunc(l.left(h), func() { l.check(h) })
	l.mu.Unlock()
	return ctx, func() {
		l.mu.Lock()
		h.timer.Stop()
		if l.held[id] == h {
			delete(l.held, id)
		}
		l.mu.Unlock()
		cancel(nil)
	}
}

// left is how long h's attempt may still run: until a tenth of its lease
// is left. Called with mu held.
func (l *Leases) left(h *hold) time.Duration {
	return h.expires.Sub(l.now()) - l.leaseFor/leaseMargin
}

// check ends h's attempt if its lease is about to run out, or looks again
// when it next might be: renewals move the end without touching the timer.
func (l *Leases) check(h *hold) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if left := l.left(h); left > 0 {
		h.timer.Reset(left)
		return
	}
	h.cancel(errLeaseRunningOut)
}
