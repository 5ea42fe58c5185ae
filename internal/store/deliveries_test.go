package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// acceptDue stores a message received at received with one recipient and
// returns the recipient's delivery ID.
func acceptDue(t *testing.T, s *Store, received time.Time) int64 {
	t.Helper()
	m := &mms.Message{ID: testID(), Received: received, Recipients: []mms.Recipient{{Address: "+4477009", Route: mms.RouteMM1}}}
	if err := s.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return recipientIDs(t, s, m.ID)[0]
}

// recipientIDs returns the delivery IDs of message id, in recipient order.
func recipientIDs(t *testing.T, s *Store, id mms.MessageID) []int64 {
	t.Helper()
	l, err := s.Messages(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range l {
		if sum.ID == id {
			return ids(sum.Recipients)
		}
	}
	t.Fatalf("message %s not listed", id)
	return nil
}

func ids(l []mms.Delivery) []int64 {
	var r []int64
	for _, d := range l {
		r = append(r, d.ID)
	}
	return r
}

func TestLease(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		a := acceptDue(t, s, t0)
		b := acceptDue(t, s, t0.Add(time.Minute))
		c := acceptDue(t, s, t0.Add(2*time.Minute))
		lease := time.Hour

		steps := []struct {
			name  string
			owner string
			now   time.Time
			limit int
			want  []int64
		}{
			{"nothing due yet", "q1", t0.Add(-time.Millisecond), 10, nil},
			{"due rows only, oldest first", "q1", t0.Add(time.Minute), 10, []int64{a, b}},
			{"leased rows are not leased again", "q2", t0.Add(time.Minute + time.Second), 10, nil},
			{"newly due", "q2", t0.Add(2 * time.Minute), 10, []int64{c}},
			{"lease not yet expired", "q2", t0.Add(time.Hour + time.Minute - time.Millisecond), 10, nil},
			{"expired leases can be taken, up to limit", "q2", t0.Add(time.Hour + time.Minute), 1, []int64{a}},
			{"zero limit", "q2", t0.Add(3 * time.Hour), 0, nil},
		}
		for _, st := range steps {
			got, err := s.Lease(ctx, st.owner, st.now, lease, st.limit)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if !slices.Equal(ids(got), st.want) {
				t.Fatalf("%s: leased %v, want %v", st.name, ids(got), st.want)
			}
			for _, d := range got {
				if d.LeaseOwner != st.owner || !d.LeaseExpires.Equal(st.now.Add(lease)) || !d.Updated.Equal(st.now) ||
					d.State != mms.StateQueued {
					t.Errorf("%s: delivery %+v", st.name, d)
				}
			}
		}
		// a has now been leased twice.
		got, err := s.Lease(ctx, "q3", t0.Add(3*time.Hour), lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("final lease: %v, want all three", ids(got))
		}
		for _, d := range got {
			want := map[int64]int{a: 3, b: 2, c: 2}[d.ID]
			if d.Attempts != want {
				t.Errorf("delivery %d: %d attempts, want %d", d.ID, d.Attempts, want)
			}
		}
	})
}

func TestLeaseArguments(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		for _, tt := range []struct {
			owner string
			lease time.Duration
		}{{"", time.Minute}, {"q", 0}, {"q", -time.Second}} {
			if _, err := s.Lease(context.Background(), tt.owner, t0, tt.lease, 1); err == nil {
				t.Errorf("Lease(%q, %v): no error", tt.owner, tt.lease)
			}
		}
	})
}

func TestRelease(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		id := acceptDue(t, s, t0)
		unleased := acceptDue(t, s, t0.Add(time.Hour))
		if _, err := s.Lease(ctx, "q1", t0, time.Minute, 10); err != nil {
			t.Fatal(err)
		}
		// q2 takes the row over after q1's lease has run out.
		if l, err := s.Lease(ctx, "q2", t0.Add(time.Minute), time.Minute, 10); err != nil || len(l) != 1 {
			t.Fatalf("re-lease: %v, %v", ids(l), err)
		}
		next := t0.Add(10 * time.Minute)
		now := t0.Add(90 * time.Second)
		for _, tt := range []struct {
			name  string
			id    int64
			owner string
			want  error
		}{
			{"previous owner", id, "q1", mms.ErrNotFound},
			{"empty owner", id, "", mms.ErrNotFound},
			{"row not leased", unleased, "q2", mms.ErrNotFound},
			{"no such row", 999999, "q2", mms.ErrNotFound},
			{"owner", id, "q2", nil},
			{"owner again", id, "q2", mms.ErrNotFound},
		} {
			err := s.Release(ctx, tt.id, tt.owner, mms.Outcome{State: mms.StateDeferred, Next: next, LastError: "temporary: busy"}, now)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
			}
		}
		l, err := s.Messages(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var d mms.Delivery
		for _, sum := range l {
			for _, r := range sum.Recipients {
				if r.ID == id {
					d = r
				}
			}
		}
		want := mms.Delivery{ID: id, MessageID: d.MessageID, Address: "+4477009", Route: mms.RouteMM1, State: mms.StateDeferred,
			Attempts: 2, NextAttempt: next, LastError: "temporary: busy", Updated: now}
		if d != want {
			t.Errorf("released row:\n got %+v\nwant %+v", d, want)
		}

		// Deferred: due again at next, not before.
		if l, _ := s.Lease(ctx, "q3", next.Add(-time.Millisecond), time.Minute, 10); slices.Contains(ids(l), id) {
			t.Errorf("deferred row leased before it was due")
		}
		l2, err := s.Lease(ctx, "q3", next, time.Minute, 10)
		if err != nil || !slices.Contains(ids(l2), id) {
			t.Fatalf("deferred row not leased when due: %v, %v", ids(l2), err)
		}
		// Final: never again.
		if err := s.Release(ctx, id, "q3", mms.Outcome{State: mms.StateRetrieved, Next: next}, next); err != nil {
			t.Fatal(err)
		}
		if l, _ := s.Lease(ctx, "q4", next.Add(24*time.Hour), time.Minute, 10); slices.Contains(ids(l), id) {
			t.Errorf("row in final state %s leased", mms.StateRetrieved)
		}
	})
}

// TestLeaseConcurrent leases from two stores on one database (two
// processes) with several goroutines each.
func TestLeaseConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		dir := bk.fresh(t)
		s, other := bk.open(t, dir), bk.open(t, dir)
		ctx := context.Background()
		const rows = 300
		var want []int64
		for i := range rows / 3 {
			m := &mms.Message{ID: testID(), Received: t0.Add(time.Duration(i) * time.Millisecond), Recipients: []mms.Recipient{
				{Address: "1"}, {Address: "2"}, {Address: "3"}}}
			if err := s.Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		l, err := s.Messages(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, sum := range l {
			want = append(want, ids(sum.Recipients)...)
		}

		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 8 {
			owner := string(rune('a' + w))
			store := []*Store{s, other}[w%2]
			wg.Go(func() {
				for {
					got, err := store.Lease(ctx, owner, t0.Add(time.Second), time.Hour, 7)
					if err != nil {
						t.Errorf("Lease: %v", err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if prev, ok := seen[d.ID]; ok {
							t.Errorf("delivery %d leased by %s and %s", d.ID, prev, owner)
						}
						seen[d.ID] = owner
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != len(want) || len(want) != rows {
			t.Errorf("leased %d distinct rows, want %d (of %d)", len(seen), rows, len(want))
		}
	})
}

// TestDeliveryTime: recipients of a message with a delivery time are not
// leased before it (X-Mms-Delivery-Time); the queue learns when to look.
func TestDeliveryTime(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		later := t0.Add(time.Hour)
		m := &mms.Message{ID: testID(), Received: t0, DeliveryTime: later,
			Recipients: []mms.Recipient{{Address: "+447700900001", Route: mms.RouteMM1}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		if l, err := s.Lease(ctx, "node", t0.Add(time.Minute), time.Minute, 10); err != nil || len(l) != 0 {
			t.Errorf("leased %d rows before the delivery time (%v)", len(l), err)
		}
		if due, ok, err := s.NextDue(ctx); err != nil || !ok || !due.Equal(later) {
			t.Errorf("next due %v %v %v, want the delivery time %v", due, ok, err, later)
		}
		if l, err := s.Lease(ctx, "node", later, time.Minute, 10); err != nil || len(l) != 1 {
			t.Errorf("leased %d rows at the delivery time (%v), want 1", len(l), err)
		}
	})
}
