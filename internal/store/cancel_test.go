package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestCancel: recipients with work left are cancelled, a final one keeps
// its state, and an attempt in flight cannot release its row back.
func TestCancel(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
			{Address: "+447700900001", Route: mms.RouteMM1}, {Address: "+447700900002", Route: mms.RouteMM1},
			{Address: "+447700900003", Route: mms.RouteMM1}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		leased, err := s.Lease(ctx, "node", t0, time.Minute, 3)
		if err != nil || len(leased) != 3 {
			t.Fatalf("lease: %v %v", leased, err)
		}
		// The first is retrieved; the second stays leased by an attempt.
		if err := s.Release(ctx, leased[0].ID, "node", mms.Outcome{State: mms.StateRetrieved, Next: t0}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, leased[2].ID, "node", mms.Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0); err != nil {
			t.Fatal(err)
		}
		n, err := s.Cancel(ctx, m.ID, "cancelled by news", t0.Add(time.Second))
		if err != nil || n != 2 {
			t.Fatalf("Cancel: %d, %v; want the 2 with work left", n, err)
		}
		err = s.Release(ctx, leased[1].ID, "node", mms.Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0.Add(2*time.Second))
		if !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("the attempt in flight released its row: %v", err)
		}
		sum, _ := s.Messages(ctx, 10)
		for i, want := range []mms.State{mms.StateRetrieved, mms.StateCancelled, mms.StateCancelled} {
			if d := sum[0].Recipients[i]; d.State != want {
				t.Errorf("recipient %d: %s, want %s", i, d.State, want)
			}
		}
	})
}
