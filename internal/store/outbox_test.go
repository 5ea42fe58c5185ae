package store

import (
	"context"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestDeliveryReportsOwed: when a message asked for delivery reports,
// every move of a recipient to a reportable state queues one report, in
// the same write; moves that change nothing queue none.
func TestDeliveryReportsOwed(t *testing.T) {
	s := open(t, t.TempDir())
	ctx := context.Background()
	asked := fullMessage(testID(), t0) // DeliveryReport: true
	silent := fullMessage(testID(), t0)
	silent.DeliveryReport = false
	for _, m := range []*mms.Message{asked, silent} {
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	step := func(m *mms.Message, state mms.State) {
		t.Helper()
		d, err := s.DeliveryByToken(ctx, m.Recipients[0].Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Answer(ctx, d.ID, state, t0, "", t0); err != nil {
			t.Fatal(err)
		}
	}
	// Notified is not reported; deferred is; retrieved is; a repeat of a
	// final state changes nothing and is not reported again.
	l, _ := s.Lease(ctx, "q", t0, time.Minute, 10, mms.RouteMM1)
	for _, d := range l {
		if err := s.Release(ctx, d.ID, "q", Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []*mms.Message{asked, silent} {
		step(m, mms.StateDeferred)
		step(m, mms.StateRetrieved)
		step(m, mms.StateRetrieved)
	}
	got, err := s.Outbox().ForMessage(ctx, asked.ID)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, o := range got {
		if o.Kind != KindDeliveryReport || o.About != asked.Recipients[0].Address || o.State != OutboxQueued {
			t.Errorf("report %+v", o)
		}
		statuses = append(statuses, o.Status)
	}
	if len(statuses) != 2 || statuses[0] != "deferred" || statuses[1] != "retrieved" {
		t.Errorf("reports for the message that asked: %v, want [deferred retrieved]", statuses)
	}
	if got, _ := s.Outbox().ForMessage(ctx, silent.ID); len(got) != 0 {
		t.Errorf("reports for the message that did not ask: %+v", got)
	}
}
