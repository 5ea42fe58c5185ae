package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestLeaseByRoute: a node leases only the routes it can deliver.
func TestLeaseByRoute(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := fullMessage(testID(), t0) // one mm1 and one wappush recipient
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		l, err := s.Lease(ctx, "q", t0, time.Minute, 10, mms.RouteMM1)
		if err != nil || len(l) != 1 || l[0].Route != mms.RouteMM1 {
			t.Fatalf("Lease(mm1) = %+v, %v; want the mm1 row only", l, err)
		}
		if l[0].Token != m.Recipients[0].Token || l[0].TransactionID != m.Recipients[0].TransactionID {
			t.Errorf("leased row token %q tid %q, want %q %q", l[0].Token, l[0].TransactionID, m.Recipients[0].Token, m.Recipients[0].TransactionID)
		}
		if l, err := s.Lease(ctx, "q", t0, time.Minute, 10, mms.RouteMM1); err != nil || len(l) != 0 {
			t.Errorf("second Lease(mm1) = %d rows, %v; want none (the lease lives)", len(l), err)
		}
		if l, err := s.Lease(ctx, "q", t0, time.Minute, 10); err != nil || len(l) != 1 || l[0].Route != mms.RouteWAPPush {
			t.Errorf("Lease(any route) = %+v, %v; want the wappush row", l, err)
		}
	})
}

// TestHandsetAnswers follows one MM1 recipient through what its handset
// says, including an answer that arrives while the queue holds the row.
func TestHandsetAnswers(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		rc := m.Recipients[0]
		d, err := s.DeliveryByToken(ctx, rc.Token)
		if err != nil || d.Address != rc.Address || d.MessageID != m.ID {
			t.Fatalf("DeliveryByToken = %+v, %v", d, err)
		}
		if _, err := s.DeliveryByToken(ctx, "no-such-token"); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("DeliveryByToken(unknown) = %v, want mms.ErrNotFound", err)
		}
		if d2, err := s.DeliveryByTransaction(ctx, rc.TransactionID); err != nil || d2.ID != d.ID {
			t.Errorf("DeliveryByTransaction = %+v, %v; want row %d", d2, err, d.ID)
		}
		if _, err := s.DeliveryByTransaction(ctx, ""); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("DeliveryByTransaction(\"\") = %v, want mms.ErrNotFound (the wappush row has none)", err)
		}

		// The queue notifies: the row is leased, then released as notified.
		if _, err := s.Lease(ctx, "q", t0, time.Minute, 1, mms.RouteMM1); err != nil {
			t.Fatal(err)
		}
		renotify := t0.Add(time.Hour)
		if err := s.Release(ctx, d.ID, "q", mms.Outcome{State: mms.StateNotified, Next: renotify, Notified: true}, t0); err != nil {
			t.Fatal(err)
		}
		// The handset defers, then (while the queue holds the row for expiry)
		// retrieves. The queue's release must not undo the retrieval.
		if ok, err := s.Answer(ctx, d.ID, mms.StateDeferred, m.Expiry, "", t0.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("Answer(deferred) = %v, %v", ok, err)
		}
		if _, err := s.Lease(ctx, "q", m.Expiry, time.Minute, 1, mms.RouteMM1); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Answer(ctx, d.ID, mms.StateRetrieved, m.Expiry, "", m.Expiry); err != nil || !ok {
			t.Fatalf("Answer(retrieved) = %v, %v", ok, err)
		}
		if err := s.Release(ctx, d.ID, "q", mms.Outcome{State: mms.StateExpired, Next: m.Expiry, LastError: "expired"}, m.Expiry); err != nil {
			t.Fatal(err)
		}
		// A later answer does not change a final row.
		if ok, err := s.Answer(ctx, d.ID, mms.StateRejected, m.Expiry, "", m.Expiry); err != nil || ok {
			t.Errorf("Answer on a final row = %v, %v; want no change", ok, err)
		}
		got, err := s.DeliveryByToken(ctx, rc.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != mms.StateRetrieved || got.LastError != "" || got.Notifications != 1 || got.LeaseOwner != "" {
			t.Errorf("after the answers: state %s, error %q, notifications %d, lease %q; want retrieved, none, 1, none",
				got.State, got.LastError, got.Notifications, got.LeaseOwner)
		}
	})
}

// TestReadReport: a read report counts only from a recipient on the
// routes its sender could have received the message by, and once per
// recipient; the first queues the originator's report.
func TestReadReport(t *testing.T) {
	handsets := mms.Readers{Routes: []mms.Route{mms.RouteMM1}, Match: mms.WholeNumber}
	tests := []struct {
		name      string
		msg       string // "" = the accepted message
		reader    string
		from      mms.Readers
		wantErr   error
		wantFirst bool
	}{
		{name: "the recipient", reader: "+447700900456", from: handsets, wantFirst: true},
		{name: "the recipient as the gateway writes it", reader: "447700900456", from: handsets, wantFirst: true},
		{name: "not a recipient", reader: "+447700900999", from: handsets, wantErr: mms.ErrNotRecipient},
		{name: "a recipient on another route", reader: "+447700900789", from: handsets, wantErr: mms.ErrNotRecipient},
		{name: "only the tail, where whole numbers are wanted", reader: "7700900456", from: handsets, wantErr: mms.ErrNotRecipient},
		{name: "the tail, where it will do", reader: "7700900456", from: mms.Readers{Routes: []mms.Route{mms.AllRoutes}, Match: mms.NumberTail}, wantFirst: true},
		{name: "no reader", reader: "", from: handsets, wantErr: mms.ErrNotRecipient},
		{name: "unknown message", msg: "no-such-message", reader: "+447700900456", from: handsets, wantErr: mms.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, bk backend) {
				s, m := openAccepted(t, bk)
				ctx := context.Background()
				id := m.ID
				if tt.msg != "" {
					id = mms.MessageID(tt.msg)
				}
				r := mms.ReadReport{Message: id, Reader: tt.reader, Status: mms.ReadStatusRead, At: t0}
				first, err := s.ReadReport(ctx, r, tt.from, t0)
				if !errors.Is(err, tt.wantErr) || first != tt.wantFirst {
					t.Fatalf("ReadReport = %v, %v; want %v, %v", first, err, tt.wantFirst, tt.wantErr)
				}
				again, err := s.ReadReport(ctx, r, tt.from, t0.Add(time.Minute))
				if !errors.Is(err, tt.wantErr) || again {
					t.Errorf("the same report again = %v, %v; want false, %v", again, err, tt.wantErr)
				}
				if tt.msg != "" {
					return
				}
				owed, err := s.Outbox().ForMessage(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				var reports []mms.Report
				for _, o := range owed {
					if o.Report.Kind == mms.ReportRead {
						reports = append(reports, o.Report)
					}
				}
				want := 0
				if tt.wantFirst {
					want = 1
				}
				if len(reports) != want {
					t.Fatalf("%d read reports owed to the originator, want %d: %+v", len(reports), want, reports)
				}
				if want == 1 && reports[0].About != "+447700900456" {
					t.Errorf("report about %q, want the recipient as stored", reports[0].About)
				}
			})
		})
	}
}

func TestHead(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		h, err := s.Head(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := stored(m)
		if h.Raw != nil || h.Parts != nil || h.ContentSize != want.ContentSize || h.Subject != m.Subject || len(h.Recipients) != 2 {
			t.Errorf("Head: raw %d bytes, %d parts, content size %d (want none, none, %d), subject %q, %d recipients",
				len(h.Raw), len(h.Parts), h.ContentSize, want.ContentSize, h.Subject, len(h.Recipients))
		}
	})
}

func TestNextDue(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		if _, ok, err := s.NextDue(ctx, mms.RouteMM1); err != nil || ok {
			t.Fatalf("NextDue on an empty store = %v, %v; want nothing", ok, err)
		}
		m := fullMessage(testID(), t0)
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		if due, ok, err := s.NextDue(ctx, mms.RouteMM1); err != nil || !ok || !due.Equal(t0) {
			t.Errorf("NextDue = %v, %v, %v; want %v", due, ok, err, t0)
		}
		// A leased row is next due when its lease runs out.
		if _, err := s.Lease(ctx, "q", t0, time.Minute, 10, mms.RouteMM1); err != nil {
			t.Fatal(err)
		}
		if due, ok, err := s.NextDue(ctx, mms.RouteMM1); err != nil || !ok || !due.Equal(t0.Add(time.Minute)) {
			t.Errorf("NextDue while leased = %v, %v, %v; want %v", due, ok, err, t0.Add(time.Minute))
		}
		// Other routes are not counted when routes are given.
		if due, ok, err := s.NextDue(ctx, mms.RouteWAPPush); err != nil || !ok || !due.Equal(t0) {
			t.Errorf("NextDue(wappush) = %v, %v, %v; want %v", due, ok, err, t0)
		}
	})
}

func TestDeliverable(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		got, err := s.Deliverable(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := stored(m)
		want.Raw = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Deliverable:\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestSMSReceipt: a receipt lands on the recipient whose latest
// notification the SMSC knows by that ID; a new notification clears it.
func TestSMSReceipt(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		l, err := s.Lease(ctx, "q", t0, time.Minute, 1, mms.RouteMM1)
		if err != nil || len(l) != 1 {
			t.Fatal(l, err)
		}
		if err := s.Release(ctx, l[0].ID, "q", mms.Outcome{State: mms.StateNotified, Next: t0, Notified: true, SMSCID: "smsc-7"}, t0); err != nil {
			t.Fatal(err)
		}
		if known, err := s.SMSReceipt(ctx, "smsc-7", "DELIVRD", t0); err != nil || !known {
			t.Errorf("SMSReceipt(smsc-7) = %v, %v; want a known notification", known, err)
		}
		if known, err := s.SMSReceipt(ctx, "smsc-8", "DELIVRD", t0); err != nil || known {
			t.Errorf("SMSReceipt(unknown) = %v, %v; want unknown", known, err)
		}
		d, _ := s.DeliveryByToken(ctx, m.Recipients[0].Token)
		if d.SMSCID != "smsc-7" || d.SMSStatus != "DELIVRD" {
			t.Errorf("after the receipt: SMSC id %q status %q", d.SMSCID, d.SMSStatus)
		}
		if _, err := s.Lease(ctx, "q", t0, time.Minute, 1, mms.RouteMM1); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, d.ID, "q", mms.Outcome{State: mms.StateNotified, Next: t0, Notified: true, SMSCID: "smsc-9"}, t0); err != nil {
			t.Fatal(err)
		}
		if d, _ := s.DeliveryByToken(ctx, m.Recipients[0].Token); d.SMSCID != "smsc-9" || d.SMSStatus != "" || d.Notifications != 2 {
			t.Errorf("after a second notification: %+v", d)
		}
	})
}

// A route pattern leases every route with its prefix, and only those.
func TestLeaseByRoutePattern(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{
			{Address: "+48600100200", Route: "mm4:pl"}, {Address: "+33612345678", Route: "mm4:fr"}, {Address: "+447700900001", Route: mms.RouteMM1},
		}}
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		if due, ok, err := s.NextDue(ctx, "mm4:*"); err != nil || !ok || !due.Equal(t0) {
			t.Errorf("NextDue(mm4:*) = %v %v %v", due, ok, err)
		}
		l, err := s.Lease(ctx, "q", t0, time.Minute, 10, "mm4:*")
		if err != nil || len(l) != 2 || l[0].Route == mms.RouteMM1 || l[1].Route == mms.RouteMM1 {
			t.Errorf("Lease(mm4:*) = %+v, %v; want the two peer rows", l, err)
		}
	})
}

// A receipt finds its recipient by the SMSC's ID, not by reading every
// recipient: it and its event both use the index (SQLite's plan; the
// partial index needs the query to say smsc_id is not empty).
func TestSMSReceiptIndexed(t *testing.T) {
	s := open(t, t.TempDir())
	for q, args := range map[string][]any{
		smsReceiptSQL:   {"DELIVRD", 1, "smsc-1"},
		receiptEventSQL: {1, "receipt", "", "DELIVRD", "node", "smsc-1"},
	} {
		rows, err := s.read.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "deliveries_smsc") }) {
			t.Errorf("%s\nplan %q: not by the index deliveries_smsc", q, plan)
		}
	}
}
