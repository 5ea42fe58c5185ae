package queue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Job is one leased row of work: a recipient's delivery, an outbox mail.
// The queue needs only its ID, to release it; it logs the rest as the job
// says (slog.LogValuer).
type Job interface {
	JobID() int64
}

// Store is where the work lives: rows of type J, released with outcomes
// of type O.
type Store[J Job, O any] interface {
	Renewer
	Lease(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int, routes ...mms.Route) ([]J, error)
	Release(ctx context.Context, id int64, owner string, o O, now time.Time) error
	NextDue(ctx context.Context, routes ...mms.Route) (time.Time, bool, error)
}

// Handler runs one attempt and says what came of it. It must not block
// past ctx.
type Handler[J Job, O any] interface {
	Attempt(ctx context.Context, j J) O
}

// Config says what a queue leases and how much at once.
type Config struct {
	Owner    string      // names this process's leases; must be unique among processes sharing the store
	Routes   []mms.Route // the routes this queue delivers
	LeaseFor time.Duration
	// Leases, if set, are the leases of the queue's table that this
	// process holds, shared with its other queues on that table and
	// renewed by whoever runs them; they name the owner and the lease
	// time (Owner and LeaseFor are then not used). Unset, the queue keeps
	// and renews its own.
	Leases     *Leases
	Workers    int           // attempts in flight at once
	MaxIdle    time.Duration // longest sleep without a wake or a due row: the sweep
	MaxAttempt time.Duration // an attempt still running this long gives up, whatever its lease
	Now        func() time.Time

	// Ready, if set, says whether the transport can take work now (the SMS
	// link is bound). While it cannot, nothing is leased: leasing only to
	// fail would cost two writes a row and push every row's next try back
	// by its backoff, when the rows should go the moment the link returns.
	Ready func() bool
}

// Defaults of Config.
//
// A lease is renewed while its process lives (Leases), so its length is
// not how long an attempt may take but how long a dead process's rows
// stay held: 15 s, renewed every 5 s. How long an attempt may take is
// MaxAttempt: the lease's old default, which bounded attempts before
// leases were renewed. MaxIdle is for a store only this process writes;
// where other processes write (and die), a few seconds (the sweep) find
// their work soon after their leases run out.
const (
	DefaultLeaseFor   = 15 * time.Second
	DefaultWorkers    = 32
	DefaultMaxIdle    = time.Minute
	DefaultMaxAttempt = 5 * time.Minute
	storeRetry        = time.Second // wait after the store failed to lease
	readyPoll         = 100 * time.Millisecond
)

// Queue runs delivery attempts as they fall due.
type Queue[J Job, O any] struct {
	store   Store[J, O]
	handler Handler[J, O]
	cfg     Config
	leases  *Leases
	renew   bool // the queue runs its leases' renewal: nobody shares them
	log     *slog.Logger
	wake    chan struct{}
}

// New returns a queue over st that runs attempts through h.
func New[J Job, O any](st Store[J, O], h Handler[J, O], cfg Config, log *slog.Logger) *Queue[J, O] {
	if cfg.LeaseFor <= 0 {
		cfg.LeaseFor = DefaultLeaseFor
	}
	if cfg.Workers < 1 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.MaxIdle <= 0 {
		cfg.MaxIdle = DefaultMaxIdle
	}
	if cfg.MaxAttempt <= 0 {
		cfg.MaxAttempt = DefaultMaxAttempt
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	q := &Queue[J, O]{store: st, handler: h, cfg: cfg, leases: cfg.Leases, log: log, wake: make(chan struct{}, 1)}
	if q.leases == nil {
		q.leases, q.renew = NewLeases(st, cfg.Owner, cfg.LeaseFor, cfg.Now, log), true
	}
	q.cfg.Owner, q.cfg.LeaseFor = q.leases.owner, q.leases.leaseFor
	return q
}

// Wake makes the queue look for due work now. It never blocks: wakes that
// arrive while one is pending are one wake.
func (q *Queue[J, O]) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// leaseMargin: an attempt's context ends when 1/leaseMargin of its lease
// is left unrenewed, so that its outcome is recorded before the lease runs
// out.
const leaseMargin = 10

// Run leases and runs attempts until ctx ends, then waits for the attempts
// in flight and releases them with their outcomes. It renews the leases
// of its attempts unless they are shared (Config.Leases).
func (q *Queue[J, O]) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if q.renew {
		// Renewal stops only once the attempts are recorded.
		rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		renewed := make(chan struct{})
		go func() { defer close(renewed); q.leases.Run(rctx) }()
		defer func() { <-renewed }()
		defer stop()
		defer wg.Wait()
	}
	done := make(chan struct{}, q.cfg.Workers)
	inflight := 0
	for {
		// Collect finished attempts without blocking.
		for drained := false; !drained; {
			select {
			case <-done:
				inflight--
			default:
				drained = true
			}
		}
		// A lease is a durable write, so leasing one row each time one
		// attempt ends would cost a sync per attempt: lease in batches,
		// once a quarter of the workers are free or all are.
		free := q.cfg.Workers - inflight
		leased := 0
		if q.cfg.Ready != nil && !q.cfg.Ready() {
			if !q.sleep(ctx, readyPoll, done, &inflight) {
				return nil
			}
			continue
		}
		if free >= max(q.cfg.Workers/4, 1) || inflight == 0 {
			now := q.cfg.Now()
			ds, err := q.store.Lease(ctx, q.cfg.Owner, now, q.cfg.LeaseFor, free, q.cfg.Routes...)
			if err != nil && ctx.Err() == nil {
				q.log.Error("queue: lease failed", "err", err)
				if !q.sleep(ctx, storeRetry, done, &inflight) {
					return nil
				}
				continue
			}
			for _, d := range ds {
				inflight++
				wg.Add(1)
				go func() {
					defer wg.Done()
					q.attempt(ctx, d, now)
					done <- struct{}{}
				}()
			}
			leased = len(ds)
			if leased == free {
				continue // there may be more due
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := q.cfg.MaxIdle
		if free > leased && leased == 0 && inflight == 0 { // else a finished attempt wakes the loop
			due, ok, err := q.store.NextDue(ctx, q.cfg.Routes...)
			switch {
			case err != nil:
				q.log.Error("queue: next due", "err", err)
				wait = storeRetry
			case ok:
				wait = min(max(due.Sub(q.cfg.Now()), 0), q.cfg.MaxIdle)
			}
		}
		if !q.sleep(ctx, wait, done, &inflight) {
			return nil
		}
	}
}

// sleep waits for wait, a wake, or a finished attempt; false if ctx ended.
func (q *Queue[J, O]) sleep(ctx context.Context, wait time.Duration, done <-chan struct{}, inflight *int) bool {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-q.wake:
	case <-done:
		*inflight--
	case <-t.C:
	}
	return true
}

// attempt runs one attempt and records its outcome. The release outlives
// ctx: an attempt that happened is recorded even during shutdown.
//
// The attempt's context ends before the lease does (leaseMargin) unless
// the lease is renewed (Leases): an attempt still waiting then (for the
// SMSC's window, its rate limit, a slow peer) gives up rather than send
// after another node may have taken the row over, which would deliver it
// twice. Renewed, it may run up to MaxAttempt.
func (q *Queue[J, O]) attempt(ctx context.Context, j J, leased time.Time) {
	actx, cancel := context.WithTimeoutCause(ctx, q.cfg.MaxAttempt,
		fmt.Errorf("queue: attempt still running after %v (%w)", q.cfg.MaxAttempt, context.DeadlineExceeded))
	defer cancel()
	actx, held := q.leases.hold(actx, j.JobID(), leased)
	defer held()
	o := q.handler.Attempt(actx, j)
	rctx := context.WithoutCancel(ctx)
	if err := q.store.Release(rctx, j.JobID(), q.cfg.Owner, o, q.cfg.Now()); err != nil {
		q.log.Error("queue: release failed; the row is retried after its lease", inline(j), "err", err)
		return
	}
	q.log.Info("delivery attempt", inline(j), inline(o))
}

// inline logs v's attributes at the top level of the line, as slog does
// with a group whose key is empty.
func inline(v any) slog.Attr { return slog.Any("", v) }
