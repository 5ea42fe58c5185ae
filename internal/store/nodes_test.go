package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store/pgtest"
)

// TestMigrateTogether: nodes that start together on an empty database each
// see the whole schema, and every version is applied exactly once.
func TestMigrateTogether(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		where := bk.fresh(t)
		stores := make([]*Store, 4)
		var wg sync.WaitGroup
		for i := range stores {
			wg.Go(func() { stores[i] = bk.open(t, where) })
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		var n, latest int
		if err := stores[0].read.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&n, &latest); err != nil {
			t.Fatal(err)
		}
		if want := len(migrations); n != want || latest != want {
			t.Errorf("schema_version: %d rows up to %d, want %d rows up to %d", n, latest, want, want)
		}
	})
}

// TestLeaseTakeover: a node that leased work and died (it never releases)
// holds it only until its lease runs out; then another node takes it, with
// the attempt counted.
func TestLeaseTakeover(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		where := bk.fresh(t)
		dead, alive := bk.open(t, where), bk.open(t, where)
		ctx := context.Background()
		id := acceptDue(t, dead, t0)
		if got, err := dead.Lease(ctx, "dead", t0, time.Minute, 10); err != nil || len(got) != 1 || got[0].ID != id {
			t.Fatalf("first lease: %v, %v", got, err)
		}
		if got, err := alive.Lease(ctx, "alive", t0.Add(59*time.Second), time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("lease while the first lives: %v, %v; want nothing", got, err)
		}
		if due, ok, err := alive.NextDue(ctx); err != nil || !ok || !due.Equal(t0.Add(time.Minute)) {
			t.Errorf("NextDue = %v, %v, %v; want the lease's end %v", due, ok, err, t0.Add(time.Minute))
		}
		got, err := alive.Lease(ctx, "alive", t0.Add(time.Minute), time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].ID != id || got[0].Attempts != 2 || got[0].LeaseOwner != "alive" {
			t.Fatalf("lease after expiry: %+v, %v; want row %d, attempt 2, owner alive", got, err, id)
		}
		if err := dead.Release(ctx, id, "dead", mms.Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0.Add(time.Minute)); err == nil {
			t.Error("the dead node's late release was taken; want mms.ErrNotFound")
		}
	})
}

// postgresOnly skips a test that exercises what only PostgreSQL has.
func postgresOnly(t *testing.T) backend {
	t.Helper()
	dsn := pgtest.DSN()
	if dsn == "" {
		t.Skip(pgtest.SkipMessage)
	}
	return postgresBackend(dsn)
}

// TestLeaseSkipsLockedRows: a row another node is leasing right now (its
// lease transaction holds the row lock) is skipped, not waited for.
func TestLeaseSkipsLockedRows(t *testing.T) {
	bk := postgresOnly(t)
	s := bk.open(t, bk.fresh(t))
	ctx := context.Background()
	first, second := acceptDue(t, s, t0), acceptDue(t, s, t0.Add(time.Second))
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT id FROM deliveries WHERE id = $1 FOR UPDATE`, first); err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := s.Lease(lctx, "node", t0.Add(time.Minute), time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].ID != second {
		t.Fatalf("Lease with row %d locked: %v, %v; want row %d alone, at once", first, ids(got), err, second)
	}
}

// TestNodesHearWork: a message accepted on one node wakes the queues of
// the others for its routes (LISTEN/NOTIFY), and the outbox's for its
// mail.
func TestNodesHearWork(t *testing.T) {
	bk := postgresOnly(t)
	where := bk.fresh(t)
	a, b := bk.open(t, where), bk.open(t, where)
	heard := make(chan mms.Route, 16)
	b.OnWork(func(r mms.Route) { heard <- r })
	const outbox mms.Route = "(the outbox)"
	b.OnOutbox(func() { heard <- outbox })
	select {
	case <-b.listen.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not connect within 10s")
	}
	m := &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
		{Address: "+447700900001", Route: mms.RouteMM1},
		{Address: "+48600100200", Route: "mm4:pl"},
		{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed},
	}, Outbox: []mms.Mail{{Kind: "MM4_forward.RES", From: "a@b", To: "c@d", Data: []byte("x")}}}
	if err := a.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	want := map[mms.Route]bool{mms.RouteMM1: true, "mm4:pl": true, outbox: true}
	got := map[mms.Route]bool{}
	timeout := time.After(10 * time.Second)
	for len(got) < len(want) {
		select {
		case r := <-heard:
			if !want[r] {
				t.Errorf("heard of work on %q; want only %v (a failed recipient has none)", r, want)
			}
			got[r] = true
		case <-timeout:
			t.Fatalf("heard %v within 10s, want %v", got, want)
		}
	}
}

// TestConcurrentAnswerReportsOnce: a release on one node and a handset's
// answer on another, at the same moment, queue one delivery report, not
// one each: the release reads the state it changes under a row lock, so it
// sees the answer's state once that commits. The answer is made here in a
// transaction of the test's (with the store's own statements), so that
// the two meet in the one order that reported twice without the lock.
func TestConcurrentAnswerReportsOnce(t *testing.T) {
	bk := postgresOnly(t)
	// Its own application_name, to tell its lock wait from any other test's.
	app := "mmsc-" + string(testID())
	s := bk.open(t, pgtest.Param(bk.fresh(t), "application_name", app))
	ctx := context.Background()
	m := fullMessage(testID(), t0) // asks for delivery reports
	m.Recipients = m.Recipients[:1]
	if err := s.Accept(ctx, m); err != nil {
		t.Fatal(err)
	}
	leased, err := s.Lease(ctx, "node-a", t0, time.Minute, 10)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v, %v", leased, err)
	}
	id := leased[0].ID

	other, err := s.read.BeginTx(ctx, nil) // node B, answering
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.ExecContext(ctx, deliveryStateSQL+" FOR UPDATE", id); err != nil {
		t.Fatal(err)
	}
	released := make(chan error, 1)
	go func() {
		released <- s.Release(ctx, id, "node-a", mms.Outcome{State: mms.StateExpired, Next: t0}, t0.Add(time.Minute))
	}()
	waitForLockWait(t, s, app)
	if _, err := other.ExecContext(ctx, answerSQL, string(mms.StateRetrieved), millis(t0), "", millis(t0), id); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, insertReportSQL, id, string(mms.StateRetrieved), millis(t0)); err != nil {
		t.Fatal(err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	reports, err := s.Outbox().ForMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Report.Status != string(mms.StateRetrieved) {
		t.Errorf("reports %+v, want the one retrieved report", reports)
	}
	if d, err := s.DeliveryByToken(ctx, m.Recipients[0].Token); err != nil || d.State != mms.StateRetrieved {
		t.Errorf("recipient %+v, %v; want retrieved (the first final word counts)", d, err)
	}
}

// waitForLockWait waits until one of s's connections, which are named app,
// waits for a row lock.
func waitForLockWait(t *testing.T, s *Store, app string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := s.read.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
WHERE application_name = $1 AND wait_event_type = 'Lock'`, app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the release never waited for the row lock")
}

// TestListenerReconnects: when the connection that hears other nodes is
// cut, the node connects again, tells its queues to look at everything
// (announcements may have been missed), and hears announcements again.
func TestListenerReconnects(t *testing.T) {
	bk := postgresOnly(t)
	where := bk.fresh(t)
	app := "mmsc-" + string(testID())
	a, b := bk.open(t, where), bk.open(t, pgtest.Param(where, "application_name", app))
	heard := make(chan mms.Route, 16)
	b.OnWork(func(r mms.Route) { heard <- r })
	const outbox mms.Route = "(the outbox)"
	b.OnOutbox(func() { heard <- outbox })
	<-b.listen.ready
	var cut int
	if err := a.read.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE application_name = $1 AND query LIKE 'LISTEN%'`, app).Scan(&cut); err != nil || cut != 1 {
		t.Fatalf("cut the listening connection: %d cut, %v", cut, err)
	}
	expect := func(want mms.Route) {
		t.Helper()
		for {
			select {
			case r := <-heard:
				if r == want {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("did not hear %q within 10s", want)
			}
		}
	}
	expect(mms.AllRoutes)
	if err := a.Accept(context.Background(), &mms.Message{ID: testID(), Received: t0,
		Recipients: []mms.Recipient{{Address: "+447700900001", Route: mms.RouteWAPPush}}}); err != nil {
		t.Fatal(err)
	}
	expect(mms.RouteWAPPush)
}

// TestOneDefaultRouteAcrossNodes: two nodes (or operators) adding a default
// route at the same moment: one wins, the other is told which route is the
// default.
func TestOneDefaultRouteAcrossNodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		where := bk.fresh(t)
		nodes := []*Store{bk.open(t, where), bk.open(t, where)}
		for round := range 10 {
			errs := make([]error, len(nodes))
			var wg sync.WaitGroup
			for i, s := range nodes {
				wg.Go(func() {
					errs[i] = s.AddRoute(context.Background(), route.Route{
						Name: fmt.Sprintf("world-%d-%d", round, i), Kind: route.KindReject, Default: true})
				})
			}
			wg.Wait()
			var won int
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, ErrSecondDefault):
					t.Errorf("round %d: %v, want ErrSecondDefault for the loser", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d defaults added, want exactly 1 (%v)", round, won, errs)
			}
			table, err := nodes[0].Routes(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range table {
				if err := nodes[0].RemoveRoute(context.Background(), r.Name); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
