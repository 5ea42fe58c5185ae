package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// deliveryByID finds delivery id among the stored messages' recipients.
func deliveryByID(t *testing.T, s *Store, id int64) mms.Delivery {
	t.Helper()
	l, err := s.Messages(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range l {
		for _, d := range sum.Recipients {
			if d.ID == id {
				return d
			}
		}
	}
	t.Fatalf("delivery %d not listed", id)
	return mms.Delivery{}
}

// leaseOne accepts a due message and leases its recipient for owner at
// t0 for leaseFor.
func leaseOne(t *testing.T, s *Store, owner string, leaseFor time.Duration) int64 {
	t.Helper()
	id := acceptDue(t, s, t0)
	got, err := s.Lease(context.Background(), owner, t0, leaseFor, 1)
	if err != nil || len(got) != 1 || got[0].ID != id {
		t.Fatalf("lease of row %d for %s: %v, %v", id, owner, ids(got), err)
	}
	return id
}

// TestRenew: a renewal extends the live leases its owner holds on the rows
// it names, and nothing else: not another node's lease, not a lease that
// has run out (another node may be taking it), not a row released since,
// and never to an earlier end than it has. The extended row is not taken
// over when its first lease would have run out, but when the renewed one
// does.
func TestRenew(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		live := leaseOne(t, s, "node", time.Minute)
		lapsed := leaseOne(t, s, "node", 10*time.Second)
		theirs := leaseOne(t, s, "other", time.Minute)
		longer := leaseOne(t, s, "node", 10*time.Minute)
		released := leaseOne(t, s, "node", time.Minute)
		if err := s.Release(ctx, released, "node", mms.Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0); err != nil {
			t.Fatal(err)
		}
		before := map[int64]mms.Delivery{}
		for _, id := range []int64{live, lapsed, theirs, longer, released} {
			before[id] = deliveryByID(t, s, id)
		}

		at := t0.Add(20 * time.Second)
		got, err := s.Renew(ctx, "node", []int64{live, lapsed, theirs, longer, released, 1 << 40}, at, time.Minute)
		if err != nil || !slices.Equal(got, []int64{live}) {
			t.Fatalf("Renew = %v, %v; want only the live lease %d renewed", got, err, live)
		}
		for id, b := range before {
			want := b
			if id == live {
				want.LeaseExpires = at.Add(time.Minute)
			}
			if d := deliveryByID(t, s, id); d != want {
				t.Errorf("row %d after the renewal:\n%+v\nwant\n%+v", id, d, want)
			}
		}

		// Another node finds the renewed row held past its first lease.
		l, err := s.Lease(ctx, "other", t0.Add(61*time.Second), time.Minute, 10)
		if err != nil || slices.Contains(ids(l), live) {
			t.Errorf("lease by another node at +61s: %v, %v; want the renewed row %d kept", ids(l), err, live)
		}
		l, err = s.Lease(ctx, "other", at.Add(time.Minute), time.Minute, 10)
		if err != nil || !slices.Contains(ids(l), live) {
			t.Errorf("lease by another node when the renewal ran out: %v, %v; want row %d", ids(l), err, live)
		}
		if got, err := s.Renew(ctx, "node", []int64{live}, at.Add(time.Minute), time.Minute); err != nil || len(got) != 0 {
			t.Errorf("renewal of a row taken over: %v, %v; want none", got, err)
		}
	})
}

// TestRenewOutbox: the outbox's leases are renewed like deliveries'.
func TestRenewOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{{Address: "+447700900001", Route: mms.RouteMM1}},
			Outbox: []mms.Mail{{Kind: "MM4_forward.RES", From: "a@b", To: "c@d", Data: []byte("x")}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		o := s.Outbox()
		l, err := o.Lease(ctx, "node", t0, time.Minute, 10)
		if err != nil || len(l) != 1 {
			t.Fatalf("outbox lease: %v, %v", l, err)
		}
		id := l[0].ID
		at := t0.Add(20 * time.Second)
		if got, err := o.Renew(ctx, "other", []int64{id}, at, time.Minute); err != nil || len(got) != 0 {
			t.Errorf("renewal by a node that does not hold it: %v, %v; want none", got, err)
		}
		if got, err := o.Renew(ctx, "node", []int64{id}, at, time.Minute); err != nil || !slices.Equal(got, []int64{id}) {
			t.Fatalf("renewal by its owner: %v, %v; want [%d]", got, err, id)
		}
		if l, err := o.Lease(ctx, "other", t0.Add(61*time.Second), time.Minute, 10); err != nil || len(l) != 0 {
			t.Errorf("lease by another node at +61s: %v, %v; want nothing", l, err)
		}
		if l, err := o.Lease(ctx, "other", at.Add(time.Minute), time.Minute, 10); err != nil || len(l) != 1 {
			t.Errorf("lease by another node when the renewal ran out: %v, %v; want the mail", l, err)
		}
	})
}
