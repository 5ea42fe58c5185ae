package store

import (
	"context"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestDeliveryReportsOwed: when a message asked for delivery reports,
// every move of a recipient to a reportable state queues one report, in
// the same write; moves that change nothing queue none; and a message
// whose originator has nowhere to take reports (decided at acceptance)
// queues none, though it still says it asked.
func TestDeliveryReportsOwed(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		asked := fullMessage(testID(), t0) // DeliveryReport: true
		silent := fullMessage(testID(), t0)
		silent.DeliveryReport = false
		nowhere := fullMessage(testID(), t0)
		nowhere.ReadReply, nowhere.ReportsNowhere = true, true
		for _, m := range []*mms.Message{asked, silent, nowhere} {
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
			if err := s.Release(ctx, d.ID, "q", mms.Outcome{State: mms.StateNotified, Next: t0.Add(time.Hour)}, t0); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []*mms.Message{asked, silent, nowhere} {
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
			if o.Report.Kind != mms.ReportDelivery || o.Report.About != asked.Recipients[0].Address || o.State != mms.OutboxQueued {
				t.Errorf("report %+v", o)
			}
			statuses = append(statuses, o.Report.Status)
		}
		if len(statuses) != 2 || statuses[0] != "deferred" || statuses[1] != "retrieved" {
			t.Errorf("reports for the message that asked: %v, want [deferred retrieved]", statuses)
		}
		if got, _ := s.Outbox().ForMessage(ctx, silent.ID); len(got) != 0 {
			t.Errorf("reports for the message that did not ask: %+v", got)
		}
		if _, err := s.ReadReport(ctx, mms.ReadReport{Message: nowhere.ID, Reader: nowhere.Recipients[0].Address,
			Status: mms.ReadStatusRead}, mms.Readers{Routes: []mms.Route{mms.RouteMM1}}, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Outbox().ForMessage(ctx, nowhere.ID); len(got) != 0 {
			t.Errorf("reports for the message whose originator takes none: %+v", got)
		}
		m, err := s.Message(ctx, nowhere.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.DeliveryReport || !m.ReadReply || !m.ReportsNowhere {
			t.Errorf("stored flags: delivery report %v, read reply %v, reports nowhere %v; want all true",
				m.DeliveryReport, m.ReadReply, m.ReportsNowhere)
		}
	})
}

// TestPeerReport: a peer's report moves a forwarded recipient on, found by
// the message's X-Mms-Message-ID and the number in any prefix form.
func TestPeerReport(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, MM4MessageID: "vasp-1@vasp.example", DeliveryReport: true,
			Recipients: []mms.Recipient{{Address: "+48600100200", Route: "mm4:pl", State: mms.StateForwarded}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		if _, found, err := s.PeerReport(ctx, "other@vasp.example", "48600100200", mms.StateRetrieved, "", t0); err != nil || found {
			t.Errorf("report on another message: found %v, %v", found, err)
		}
		id, found, err := s.PeerReport(ctx, "vasp-1@vasp.example", "48600100200/TYPE=PLMN@mms.pl.example", mms.StateRetrieved, "peer reported Retrieved", t0)
		if err != nil || !found || id != m.ID {
			t.Fatalf("PeerReport = %s, %v, %v", id, found, err)
		}
		got, _ := s.Head(ctx, m.ID)
		if got.Recipients[0].State != mms.StateRetrieved {
			t.Errorf("state %s, want retrieved", got.Recipients[0].State)
		}
		if l, _ := s.Outbox().ForMessage(ctx, m.ID); len(l) != 1 || l[0].Report.Status != "retrieved" {
			t.Errorf("reports owed: %+v, want one about retrieved", l)
		}
	})
}

// A forward that expires undelivered (the peer was down) is reported as a
// failure, which the report writer turns into Indeterminate.
func TestExpiredForwardReportedAsFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, DeliveryReport: true,
			Recipients: []mms.Recipient{{Address: "+48600100200", Route: "mm4:pl"}}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		l, _ := s.Lease(ctx, "q", t0, time.Minute, 1, "mm4:*")
		if err := s.Release(ctx, l[0].ID, "q", mms.Outcome{State: mms.StateExpired, Next: t0}, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Outbox().ForMessage(ctx, m.ID); len(got) != 1 || got[0].Report.Status != "failed" {
			t.Errorf("reports %+v, want one about a failure", got)
		}
	})
}
