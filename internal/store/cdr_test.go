package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

func deliveryIDs(l []mms.FinalRecipient) []int64 {
	var r []int64
	for _, f := range l {
		r = append(r, f.Delivery)
	}
	return r
}

// TestClaimCDRs walks recipients through the CDR outbox: only final rows
// are claimed, a claim keeps others off until it runs out, a row still
// leased waits for its release, and a written CDR is never owed again.
func TestClaimCDRs(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		mm1, page := recipientIDs(t, s, m.ID)[0], recipientIDs(t, s, m.ID)[1]
		unrouted := &mms.Message{ID: testID(), Received: t0, Origin: mms.Origin{Interface: mms.InterfaceMM1},
			EnvelopeFrom: "+447700900123", Recipients: []mms.Recipient{
				{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed, LastError: "no route"}}}
		if err := s.Accept(ctx, unrouted); err != nil {
			t.Fatal(err)
		}
		failed := recipientIDs(t, s, unrouted.ID)[0]
		const claimFor = time.Minute
		claim := func(now time.Time, limit int) []mms.FinalRecipient {
			t.Helper()
			l, err := s.ClaimCDRs(ctx, now, claimFor, limit)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}

		// The MM1 recipient is notified twice, then fetches; the page's
		// recipient is leased and answers while its attempt is out.
		t1 := t0.Add(time.Second)
		for i, at := range []time.Time{t1, t1.Add(time.Hour)} {
			if l, err := s.Lease(ctx, "q", at, time.Minute, 10, mms.RouteMM1); err != nil || len(l) != 1 {
				t.Fatalf("lease %d: %v, %v", i, ids(l), err)
			}
			if err := s.Release(ctx, mm1, "q", mms.Outcome{State: mms.StateNotified, Next: at.Add(time.Hour), Notified: true}, at); err != nil {
				t.Fatal(err)
			}
		}
		t2 := t1.Add(90 * time.Minute)
		if _, err := s.Answer(ctx, mm1, mms.StateRetrieved, t2, "", t2); err != nil {
			t.Fatal(err)
		}
		if l, err := s.Lease(ctx, "q", t2, time.Minute, 10, mms.RouteWAPPush); err != nil || len(l) != 1 {
			t.Fatalf("lease the page's recipient: %v, %v", ids(l), err)
		}
		if _, err := s.Answer(ctx, page, mms.StateRetrieved, t2, "", t2); err != nil {
			t.Fatal(err)
		}

		steps := []struct {
			name  string
			do    func() error
			now   time.Time
			limit int
			want  []int64
		}{
			{"final rows only, oldest row first, up to the limit", nil, t2, 1, []int64{mm1}},
			{"the rest; a leased row waits for its release", nil, t2, 10, []int64{failed}},
			{"claimed rows are not claimed again", nil, t2.Add(claimFor - time.Millisecond), 10, nil},
			{"the release frees the leased row", func() error {
				return s.Release(ctx, page, "q", mms.Outcome{State: mms.StateNotified, Notified: true}, t2.Add(time.Second))
			}, t2.Add(time.Second), 10, []int64{page}},
			{"a claim that ran out is taken again", nil, t2.Add(claimFor), 10, []int64{mm1, failed}},
			{"written CDRs are owed no more", func() error {
				return s.CDRsWritten(ctx, []int64{mm1, failed, page}, t2.Add(claimFor))
			}, t2.Add(24 * time.Hour), 10, nil},
			{"zero limit", nil, t2, 0, nil},
		}
		got := map[int64]mms.FinalRecipient{}
		for _, st := range steps {
			if st.do != nil {
				if err := st.do(); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
			l := claim(st.now, st.limit)
			if !slices.Equal(deliveryIDs(l), st.want) {
				t.Fatalf("%s: claimed %v, want %v", st.name, deliveryIDs(l), st.want)
			}
			for _, f := range l {
				got[f.Delivery] = f
			}
		}

		service := m.Service
		want := map[int64]mms.FinalRecipient{
			mm1: {Delivery: mm1, Message: m.ID, Origin: m.Origin, From: m.EnvelopeFrom, Size: int64(len(m.Raw)),
				Service: service, Accepted: t0, To: m.Recipients[0].Address, Route: mms.RouteMM1,
				State: mms.StateRetrieved, Attempts: 2, Notifications: 2, FirstNotified: t1, Ended: t2},
			page: {Delivery: page, Message: m.ID, Origin: m.Origin, From: m.EnvelopeFrom, Size: int64(len(m.Raw)),
				Service: service, Accepted: t0, To: m.Recipients[1].Address, Route: mms.RouteWAPPush,
				State: mms.StateRetrieved, Attempts: 1, Notifications: 1, FirstNotified: t2.Add(time.Second),
				Ended: t2.Add(time.Second)},
			failed: {Delivery: failed, Message: unrouted.ID, Origin: unrouted.Origin, From: "+447700900123",
				Accepted: t0, To: "+15550100", Route: mms.RouteNone, State: mms.StateFailed, Ended: t0},
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("delivery %d:\n got %+v\nwant %+v", id, got[id], w)
			}
		}
	})
}

// TestClaimCDRsTogether: nodes claiming at once never claim one row twice,
// and between them claim every one.
func TestClaimCDRsTogether(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		where := bk.fresh(t)
		nodes := []*Store{bk.open(t, where), bk.open(t, where)}
		ctx := context.Background()
		const rows = 200
		for i := range rows / 2 {
			m := &mms.Message{ID: testID(), Received: t0.Add(time.Duration(i) * time.Millisecond), Recipients: []mms.Recipient{
				{Address: "1", Route: mms.RouteNone, State: mms.StateFailed}, {Address: "2", Route: mms.RouteNone, State: mms.StateFailed}}}
			if err := nodes[0].Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		// A claim can come back empty while the rows left are locked by
		// the others' claims in flight, whose locks may outlive what they
		// claim (PostgreSQL may lock rows for a LIMIT it then does not
		// take): a node would try again at its next poll, and so does a
		// worker here, until every row is claimed.
		deadline := time.Now().Add(10 * time.Second)
		for w := range 6 {
			s := nodes[w%2]
			wg.Go(func() {
				for time.Now().Before(deadline) {
					l, err := s.ClaimCDRs(ctx, t0.Add(time.Minute), time.Hour, 7)
					if err != nil {
						t.Errorf("ClaimCDRs: %v", err)
						return
					}
					if len(l) == 0 {
						mu.Lock()
						done := len(seen) == rows
						mu.Unlock()
						if done {
							return
						}
						time.Sleep(5 * time.Millisecond)
						continue
					}
					mu.Lock()
					for _, f := range l {
						if _, ok := seen[f.Delivery]; ok {
							t.Errorf("delivery %d claimed twice", f.Delivery)
						}
						seen[f.Delivery] = w
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != rows {
			t.Errorf("claimed %d distinct rows, want %d", len(seen), rows)
		}
	})
}

// TestPurgeKeepsOwedCDRs: while CDRs are written, a message past
// retention stays until its recipients' CDRs are; without them it goes.
func TestPurgeKeepsOwedCDRs(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
			{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		purge := func() int {
			t.Helper()
			p, err := s.Purge(ctx, t0.Add(time.Hour), t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return p.Messages
		}
		s.KeepOwedCDRs(true)
		if n := purge(); n != 0 {
			t.Fatalf("purged %d messages with a CDR owed", n)
		}
		if err := s.CDRsWritten(ctx, recipientIDs(t, s, m.ID), t0); err != nil {
			t.Fatal(err)
		}
		if n := purge(); n != 1 {
			t.Fatalf("purged %d messages once the CDR was written, want 1", n)
		}

		s.KeepOwedCDRs(false)
		m2 := &mms.Message{ID: testID(), Received: t0, Recipients: m.Recipients}
		if err := s.Accept(ctx, m2); err != nil {
			t.Fatal(err)
		}
		if n := purge(); n != 1 {
			t.Errorf("without CDRs: purged %d messages, want 1", n)
		}
	})
}

// rawDB opens the database under where beside the store, for changes no
// store method makes (taking the schema back a version).
func rawDB(t *testing.T, bk backend, where string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", where
	if bk.name == sqliteBackend.name {
		driver, dsn = "sqlite", filepath.Join(where, dbFile)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// undoVersion22 takes db back to version 21: accounts without a
// connection limit.
func undoVersion22(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`ALTER TABLE vasps DROP COLUMN max_connections`,
		`DELETE FROM schema_version WHERE version = 22`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// undoVersion20 takes db back to version 19, as a database upgraded
// from the release before CDRs is (the history of version 21, and what
// came after it, go too).
func undoVersion20(t *testing.T, db *sql.DB) {
	t.Helper()
	undoVersion22(t, db)
	for _, q := range []string{
		`DROP TABLE recipient_events`,
		`DELETE FROM schema_version WHERE version = 21`,
		`DROP INDEX deliveries_cdr_owed`,
		`ALTER TABLE deliveries DROP COLUMN first_notified`,
		`ALTER TABLE deliveries DROP COLUMN cdr_written`,
		`ALTER TABLE deliveries DROP COLUMN cdr_claimed`,
		`DELETE FROM schema_version WHERE version = 20`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Version 20 owes no CDR for recipients that were final before it: a
// first start with CDRs on does not write the past. Those still under way
// owe theirs once they end.
func TestMigrationOwesNoCDRsForThePast(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		where := bk.fresh(t)
		s := bk.open(t, where)
		ctx := context.Background()
		m := fullMessage(testID(), t0)
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		done, pending := recipientIDs(t, s, m.ID)[0], recipientIDs(t, s, m.ID)[1]
		if _, err := s.Answer(ctx, done, mms.StateRetrieved, t0, "", t0); err != nil {
			t.Fatal(err)
		}
		s.Close()

		undoVersion20(t, rawDB(t, bk, where))
		s = bk.open(t, where)
		if l, err := s.ClaimCDRs(ctx, t0.Add(time.Hour), time.Minute, 10); err != nil || len(l) != 0 {
			t.Fatalf("claimed %v (%v) right after the migration, want nothing", deliveryIDs(l), err)
		}
		if _, err := s.Answer(ctx, pending, mms.StateRejected, t0, "", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if l, err := s.ClaimCDRs(ctx, t0.Add(time.Hour), time.Minute, 10); err != nil || !slices.Equal(deliveryIDs(l), []int64{pending}) {
			t.Errorf("claimed %v (%v) once the other recipient ended, want [%d]", deliveryIDs(l), err, pending)
		}
	})
}

// On SQLite the owed rows are found through their partial index: the
// claim's condition must keep the index's words, or every claim reads the
// whole table.
func TestClaimCDRsUsesTheIndex(t *testing.T) {
	s := open(t, t.TempDir())
	var plan []string
	rows, err := s.read.Query(`EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE `+cdrOwed+
		` AND cdr_claimed <= $1 AND lease_expires <= $1 ORDER BY id LIMIT 10`, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !slices.ContainsFunc(plan, func(d string) bool { return d == "SCAN deliveries USING INDEX deliveries_cdr_owed" }) {
		t.Errorf("the claim does not read deliveries_cdr_owed: %q", plan)
	}
}

// TestOnFinal: every write that ends a recipient here wakes the CDR
// writer, and writes that end none do not.
func TestOnFinal(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		var woken atomic.Int32
		s.OnFinal(func() { woken.Add(1) })
		mm1, page := recipientIDs(t, s, m.ID)[0], recipientIDs(t, s, m.ID)[1]
		release := func(id int64, state mms.State) func() error {
			return func() error {
				if _, err := s.Lease(ctx, "q", t0.Add(time.Hour), time.Minute, 10); err != nil {
					return err
				}
				return s.Release(ctx, id, "q", mms.Outcome{State: state, Next: t0.Add(2 * time.Hour)}, t0.Add(time.Hour))
			}
		}
		for _, st := range []struct {
			name string
			do   func() error
			want bool
		}{
			{"an accept with every recipient under way", func() error { return s.Accept(ctx, fullMessage(testID(), t0)) }, false},
			{"an accept with a recipient no route takes", func() error {
				return s.Accept(ctx, &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
					{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed}}})
			}, true},
			{"a release that leaves work", release(mm1, mms.StateNotified), false},
			{"a handset's answer that ends it", func() error {
				_, err := s.Answer(ctx, mm1, mms.StateRetrieved, t0, "", t0.Add(time.Hour))
				return err
			}, true},
			{"an answer to a final row", func() error {
				_, err := s.Answer(ctx, mm1, mms.StateRejected, t0, "", t0.Add(time.Hour))
				return err
			}, false},
			{"a release that ends it", release(page, mms.StateFailed), true},
			{"a cancel of a message whose recipients have ended", func() error {
				_, err := s.Cancel(ctx, m.ID, "cancelled", t0)
				return err
			}, false},
		} {
			woken.Store(0)
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got := woken.Load() > 0; got != st.want {
				t.Errorf("%s: woken %v, want %v", st.name, got, st.want)
			}
		}
		other := fullMessage(testID(), t0)
		if err := s.Accept(ctx, other); err != nil {
			t.Fatal(err)
		}
		woken.Store(0)
		if n, err := s.Cancel(ctx, other.ID, "cancelled", t0); err != nil || n != 2 || woken.Load() == 0 {
			t.Errorf("a cancel that ended %d recipients (%v) woke %d times, want at least once", n, err, woken.Load())
		}
	})
}
