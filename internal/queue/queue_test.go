package queue_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
)

// recorder is a handler that records when each delivery was attempted and
// ends it.
type recorder struct {
	mu  sync.Mutex
	at  map[int64][]time.Time
	out mms.Outcome
}

func (r *recorder) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[int64][]time.Time{}
	}
	r.at[d.ID] = append(r.at[d.ID], time.Now())
	o := r.out
	o.Next = time.Now()
	return o
}

func (r *recorder) attempts() map[int64][]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := map[int64][]time.Time{}
	for k, v := range r.at {
		c[k] = append([]time.Time(nil), v...)
	}
	return c
}

var discard = slog.New(slog.DiscardHandler)

// run runs q until the returned stop is called.
func run(q *queue.Queue[mms.Delivery, mms.Outcome]) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func accept(t *testing.T, st *store.Store, n int, route mms.Route) {
	t.Helper()
	for range n {
		m := &mms.Message{ID: mms.NewMessageID(time.Now()), Received: time.Now(),
			Recipients: []mms.Recipient{{Address: "+447700900001", Route: route}}}
		if err := st.Accept(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
}

// TestQueue: new work runs as soon as it is woken, each row once, only on
// the queue's routes; a row leased by a process that died is taken over
// when its lease runs out.
func TestQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		// A row some other process leased and never released.
		accept(t, st, 1, mms.RouteMM1)
		dead, err := st.Lease(context.Background(), "dead", time.Now(), time.Minute, 1)
		if err != nil || len(dead) != 1 {
			t.Fatalf("lease for the dead owner: %v %v", dead, err)
		}

		h := &recorder{out: mms.Outcome{State: mms.StateRetrieved}}
		q := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Owner: "q", Routes: []mms.Route{mms.RouteMM1}, Workers: 4, MaxIdle: time.Hour}, discard)
		defer run(q)()

		start := time.Now()
		accept(t, st, 10, mms.RouteMM1)
		accept(t, st, 3, mms.RouteWAPPush) // not this queue's
		q.Wake()
		synctest.Wait()
		got := h.attempts()
		if len(got) != 10 {
			t.Errorf("%d rows attempted after the wake, want the 10 new mm1 rows", len(got))
		}
		for id, at := range got {
			if len(at) != 1 || !at[0].Equal(start) {
				t.Errorf("row %d attempted at %v, want once at once", id, at)
			}
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		got = h.attempts()
		if at := got[dead[0].ID]; len(at) != 1 || !at[0].Equal(start.Add(time.Minute)) {
			t.Errorf("dead owner's row attempted at %v, want once when its lease ran out (+1m)", at)
		}
		if len(got) != 11 {
			t.Errorf("%d rows attempted in all, want 11", len(got))
		}
	})
}

// TestQueueWaitsForTransport: while the transport is not ready nothing is
// leased, so rows keep their place; they go as soon as it is.
func TestQueueWaitsForTransport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		var ready atomic.Bool
		h := &recorder{out: mms.Outcome{State: mms.StateRetrieved}}
		q := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Owner: "q", Ready: ready.Load}, discard)
		defer run(q)()

		accept(t, st, 3, mms.RouteMM1)
		q.Wake()
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := h.attempts(); len(got) != 0 {
			t.Errorf("%d attempts while the transport was down, want none", len(got))
		}
		l, _ := st.Messages(context.Background(), 10)
		for _, m := range l {
			if d := m.Recipients[0]; d.Attempts != 0 || d.State != mms.StateQueued {
				t.Errorf("row %d: %d attempts, state %s; want untouched", d.ID, d.Attempts, d.State)
			}
		}
		ready.Store(true)
		up := time.Now()
		time.Sleep(time.Second)
		synctest.Wait()
		got := h.attempts()
		if len(got) != 3 {
			t.Errorf("%d rows attempted after the transport came up, want 3", len(got))
		}
		for id, at := range got {
			if len(at) != 1 || at[0].Sub(up) > 100*time.Millisecond {
				t.Errorf("row %d attempted at +%v after the transport came up, want within 100ms", id, at[0].Sub(up))
			}
		}
	})
}

// stuck is a handler whose attempts wait for their context, as one waiting
// on a saturated SMSC would, and say when it ended.
type stuck struct{ ended chan time.Time }

func (s stuck) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	<-ctx.Done()
	s.ended <- time.Now()
	return mms.Outcome{State: d.State, Next: time.Now(), LastError: context.Cause(ctx).Error()}
}

// TestAttemptEndsBeforeItsLease: an attempt that cannot finish, and whose
// lease is not renewed (its process's heartbeat has stopped: the store is
// unreachable), is given up before its lease runs out, and its outcome
// recorded by its owner, so that no other node takes the row over while
// it might still be sent.
func TestAttemptEndsBeforeItsLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		h := stuck{ended: make(chan time.Time, 1)}
		unrenewed := queue.NewLeases(st, "node", 10*time.Second, nil, discard) // never Run
		q := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Leases: unrenewed}, discard)
		accept(t, st, 1, mms.RouteMM1)
		start := time.Now()
		stop := run(q)
		defer stop()
		ended := <-h.ended
		if got, want := ended.Sub(start), 9*time.Second; got != want {
			t.Errorf("the attempt was given up after %v, want %v (a tenth of the lease left)", got, want)
		}
		synctest.Wait()
		sum, err := st.Messages(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		// Released with the reason, and so due again at once: the next
		// attempt's lease starts when the first gave up, not when its lease
		// would have run out.
		d := sum[0].Recipients[0]
		if !strings.Contains(d.LastError, "lease was not renewed") || d.Attempts != 2 || !d.LeaseExpires.Equal(ended.Add(10*time.Second)) {
			t.Errorf("after the attempt: %+v, want it released at +9s with the reason and leased again", d)
		}
	})
}

// slow is a handler whose attempts take a while, as an MM4 forward to a
// slow peer does, unless their context ends first; it records how each
// ended.
type slow struct {
	took  time.Duration
	mu    sync.Mutex
	ended []error // context.Cause of each attempt's context as it ended; nil: it ran its course
}

func (s *slow) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	t := time.NewTimer(s.took)
	defer t.Stop()
	var err error
	select {
	case <-t.C:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	s.mu.Lock()
	s.ended = append(s.ended, err)
	s.mu.Unlock()
	if err != nil {
		return mms.Outcome{State: d.State, Next: time.Now(), LastError: err.Error()}
	}
	return mms.Outcome{State: mms.StateForwarded, Next: time.Now()}
}

// TestLeaseRenewedWhileAttemptRuns: an attempt that takes several times
// its lease is not given up while its process renews the lease, and no
// other node takes its row over meanwhile: one attempt, one outcome.
func TestLeaseRenewedWhileAttemptRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		const lease = 10 * time.Second
		h := &slow{took: 4 * lease}
		a := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Owner: "a", LeaseFor: lease}, discard)
		accept(t, st, 1, mms.RouteMM1)
		defer run(a)()
		synctest.Wait() // a has leased the row and is attempting it
		other := &recorder{out: mms.Outcome{State: mms.StateRetrieved}}
		b := queue.New[mms.Delivery, mms.Outcome](st, other, queue.Config{Owner: "b", LeaseFor: lease}, discard)
		defer run(b)()

		time.Sleep(10 * lease)
		synctest.Wait()
		h.mu.Lock()
		ended := slices.Clone(h.ended)
		h.mu.Unlock()
		if len(ended) != 1 || ended[0] != nil {
			t.Errorf("attempts by a ended %v; want one, run to its end", ended)
		}
		if got := other.attempts(); len(got) != 0 {
			t.Errorf("b attempted %v while a held the row; want nothing", got)
		}
		sum, err := st.Messages(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := sum[0].Recipients[0]; d.State != mms.StateForwarded || d.Attempts != 1 {
			t.Errorf("after the attempt: %+v; want forwarded after 1 attempt", d)
		}
	})
}

// TestSweepFindsUnannouncedWork: a row whose wake-up this queue never
// heard (another node leased it, then died) is found by the sweep soon
// after its lease runs out: with the default lease and a sweep of 5 s,
// within 20 s of the other node's last renewal.
func TestSweepFindsUnannouncedWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		h := &recorder{out: mms.Outcome{State: mms.StateRetrieved}}
		q := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Owner: "q", MaxIdle: 5 * time.Second}, discard)
		defer run(q)()
		time.Sleep(time.Second) // q has looked, found nothing, and sleeps
		synctest.Wait()

		accept(t, st, 1, mms.RouteMM1) // no Wake: the announcement was lost
		leased := time.Now()
		if l, err := st.Lease(context.Background(), "dead", leased, queue.DefaultLeaseFor, 1); err != nil || len(l) != 1 {
			t.Fatalf("lease for the node that dies: %v, %v", l, err)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		var at []time.Time
		for _, a := range h.attempts() {
			at = append(at, a...)
		}
		if len(at) != 1 {
			t.Fatalf("%d attempts after the dead node's lease, want 1", len(at))
		}
		if took := at[0].Sub(leased); took < queue.DefaultLeaseFor || took > 20*time.Second {
			t.Errorf("taken over %v after the dead node's lease; want after the lease (%v) and within 20s", took, queue.DefaultLeaseFor)
		}
	})
}

// TestAttemptEndsAfterMaxAttempt: renewed leases do not let an attempt
// that never finishes hold its row for ever: it gives up after MaxAttempt
// (the lease's old default, five minutes) and the row is released.
func TestAttemptEndsAfterMaxAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := storetest.SQLite(t)
		h := &slow{took: time.Hour}
		q := queue.New[mms.Delivery, mms.Outcome](st, h, queue.Config{Owner: "q", LeaseFor: 10 * time.Second}, discard)
		accept(t, st, 1, mms.RouteMM1)
		defer run(q)()
		time.Sleep(queue.DefaultMaxAttempt - time.Second)
		synctest.Wait()
		h.mu.Lock()
		before := len(h.ended)
		h.mu.Unlock()
		time.Sleep(time.Second)
		synctest.Wait()
		h.mu.Lock()
		defer h.mu.Unlock()
		if before != 0 || len(h.ended) == 0 || !strings.Contains(fmt.Sprint(h.ended[0]), "attempt still running after 5m0s") {
			t.Errorf("attempts ended %v a second before MaxAttempt, then %v; want the first to end at %v, and for that reason",
				h.ended[:before], h.ended, queue.DefaultMaxAttempt)
		}
	})
}
