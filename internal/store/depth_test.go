package store

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestDeliveriesByState: the queue's depth counts the recipients with work
// left by state, every such state present, final ones not counted.
func TestDeliveriesByState(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		zero := map[mms.State]int{mms.StateQueued: 0, mms.StateNotified: 0, mms.StateDeferred: 0, mms.StateSent: 0}
		got, err := s.DeliveriesByState(ctx)
		if err != nil || !maps.Equal(got, zero) {
			t.Fatalf("empty store: %v %v, want %v", got, err, zero)
		}

		for i := range 4 {
			acceptDue(t, s, t0.Add(time.Duration(i)*time.Second))
		}
		// One message whose only recipient no route reaches: failed at once.
		if err := s.Accept(ctx, &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
			{Address: "+4477001", Route: mms.RouteNone, State: mms.StateFailed, LastError: "no route"}}}); err != nil {
			t.Fatal(err)
		}
		leased, err := s.Lease(ctx, "node", t0.Add(time.Minute), time.Hour, 3)
		if err != nil || len(leased) != 3 {
			t.Fatalf("lease: %d, %v", len(leased), err)
		}
		for i, o := range []mms.Outcome{{State: mms.StateNotified, Notified: true}, {State: mms.StateNotified, Notified: true},
			{State: mms.StateExpired}} {
			o.Next = t0.Add(time.Hour)
			if err := s.Release(ctx, leased[i].ID, "node", o, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}

		want := map[mms.State]int{mms.StateQueued: 1, mms.StateNotified: 2, mms.StateDeferred: 0, mms.StateSent: 0}
		if got, err := s.DeliveriesByState(ctx); err != nil || !maps.Equal(got, want) {
			t.Errorf("depth %v %v, want %v", got, err, want)
		}
		for st := range zero {
			if st.Final() {
				t.Errorf("%s is counted as work left but is final", st)
			}
		}
	})
}
