package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// The addresses of the history tests' recipients.
const (
	alice = "+447700900001"
	bob   = "+447700900002"
)

// at is a moment of a history test, s seconds after t0.
func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// step is one write of a history test, at its own moment.
type step func(t *testing.T, s *Store, m *mms.Message)

// leased leases recipient address's row for owner at now: the row due
// first, as the queue would.
func leased(t *testing.T, s *Store, owner string, now time.Time) int64 {
	t.Helper()
	l, err := s.Lease(context.Background(), owner, now, time.Minute, 1)
	if err != nil || len(l) != 1 {
		t.Fatalf("Lease at %v: %v, %v", now, l, err)
	}
	return l[0].ID
}

// attempt leases the due row and releases it with o at second sec.
func attempt(owner string, sec int, o mms.Outcome) step {
	return func(t *testing.T, s *Store, m *mms.Message) {
		t.Helper()
		id := leased(t, s, owner, at(sec))
		if err := s.Release(context.Background(), id, owner, o, at(sec)); err != nil {
			t.Fatalf("Release %+v: %v", o, err)
		}
	}
}

// answer is the recipient address's handset (or its peer) answering state.
func answer(address string, sec int, state mms.State, next time.Time, reason string) step {
	return func(t *testing.T, s *Store, m *mms.Message) {
		t.Helper()
		d := recipientRow(t, s, m.ID, address)
		if _, err := s.Answer(context.Background(), d.ID, state, next, reason, at(sec)); err != nil {
			t.Fatalf("Answer %s: %v", state, err)
		}
	}
}

// sendReports leases the outbox's mail and sends it, at second sec.
func sendReports(sec int) step {
	return func(t *testing.T, s *Store, m *mms.Message) {
		t.Helper()
		ob := s.Outbox()
		l, err := ob.Lease(context.Background(), "outbox-q", at(sec), time.Minute, 10)
		if err != nil || len(l) == 0 {
			t.Fatalf("outbox lease: %v, %v", l, err)
		}
		for _, mail := range l {
			if err := ob.Release(context.Background(), mail.ID, "outbox-q", mms.OutboxOutcome{State: mms.OutboxSent}, at(sec)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func recipientRow(t *testing.T, s *Store, id mms.MessageID, address string) mms.Delivery {
	t.Helper()
	sum, err := s.FindMessages(context.Background(), mms.MessageQuery{ID: id, Limit: 1})
	if err != nil || len(sum) != 1 {
		t.Fatalf("FindMessages %s: %v, %v", id, sum, err)
	}
	for _, d := range sum[0].Recipients {
		if d.Address == address {
			return d
		}
	}
	t.Fatalf("%s has no recipient %s", id, address)
	return mms.Delivery{}
}

// historyMessage is a message accepted at t0 for recipients on route,
// asking for delivery and read reports.
func historyMessage(route mms.Route, addresses ...string) *mms.Message {
	m := &mms.Message{ID: testID(), Received: t0, Expiry: t0.Add(72 * time.Hour), DeliveryReport: true, ReadReply: true}
	m.MM4MessageID = "mm4-" + string(m.ID)
	m.Origin = mms.Origin{Interface: mms.InterfaceMM4, Account: "news"}
	for _, a := range addresses {
		m.Recipients = append(m.Recipients, mms.Recipient{Address: a, Route: route, Token: "tok" + a + string(m.ID), TransactionID: "tid" + a + string(m.ID)})
	}
	return m
}

// ev is an expected event: at second sec of the test.
func ev(sec int, address string, kind mms.EventKind, state mms.State, detail, node string) mms.Event {
	return mms.Event{At: at(sec), Address: address, Kind: kind, State: state, Detail: detail, Node: node}
}

// TestEvents: every write that changes a recipient records its event, in
// order, with the state it made, what was said, and who recorded it.
func TestEvents(t *testing.T) {
	ctx := context.Background()
	retryAt := at(60) // 2025-11-26T09:31:00.123Z
	tests := []struct {
		name  string
		msg   *mms.Message
		steps []step
		want  []mms.Event
	}{{
		name: "handset notified, a retry, retrieved, receipt, read report, reports sent",
		msg:  historyMessage(mms.RouteMM1, alice),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateNotified, Next: at(2), Notified: true, SMSCID: "smsc-1"}),
			attempt("q2", 3, mms.Outcome{State: mms.StateNotified, Next: retryAt, LastError: "temporary: smsc throttled", Temporary: true}),
			func(t *testing.T, s *Store, m *mms.Message) {
				if known, err := s.SMSReceipt(ctx, "smsc-1", "DELIVRD", at(4)); err != nil || !known {
					t.Fatalf("SMSReceipt: %v, %v", known, err)
				}
			},
			answer(alice, 5, mms.StateRetrieved, at(5), ""),
			func(t *testing.T, s *Store, m *mms.Message) {
				r := mms.ReadReport{Message: m.ID, Reader: alice, Status: mms.ReadStatusRead, At: at(6)}
				if first, err := s.ReadReport(ctx, r, mms.Readers{Routes: []mms.Route{mms.RouteMM1}}, at(6)); err != nil || !first {
					t.Fatalf("ReadReport: %v, %v", first, err)
				}
				// Heard once: a repeat is no event.
				if first, err := s.ReadReport(ctx, r, mms.Readers{Routes: []mms.Route{mms.RouteMM1}}, at(7)); err != nil || first {
					t.Fatalf("ReadReport again: %v, %v", first, err)
				}
			},
			sendReports(8),
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(1, alice, mms.EventNotified, mms.StateNotified, "smsc-1", "q1"),
			ev(3, alice, mms.EventRetry, "", "temporary: smsc throttled; next try at 2025-11-26T09:31:00Z", "q2"),
			ev(4, alice, mms.EventReceipt, "", "DELIVRD", "node-a"),
			ev(5, alice, mms.EventRetrieved, mms.StateRetrieved, "", "node-a"),
			ev(6, alice, mms.EventReadReport, "", "read", "node-a"),
			ev(8, alice, mms.EventReported, "", "delivery report: retrieved", "outbox-q"),
			ev(8, alice, mms.EventReported, "", "read report: read", "outbox-q"),
		},
	}, {
		name: "peer: sent, forwarded, its delivery and read reports",
		msg:  historyMessage("mm4:peer", alice),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateSent, Next: at(86400)}),
			answer(alice, 2, mms.StateForwarded, at(2), ""),
			func(t *testing.T, s *Store, m *mms.Message) {
				if _, found, err := s.PeerReport(ctx, m.MM4MessageID, "7700900001", mms.StateRetrieved, "peer reported Retrieved", at(3)); err != nil || !found {
					t.Fatalf("PeerReport: %v, %v", found, err)
				}
				// The peer says it again: heard, but the state stays.
				if _, found, err := s.PeerReport(ctx, m.MM4MessageID, alice, mms.StateRejected, "peer reported Rejected", at(4)); err != nil || !found {
					t.Fatalf("PeerReport: %v, %v", found, err)
				}
				r := mms.ReadReport{Message: m.ID, Reader: "0044 7700 900001", Status: mms.ReadStatusDeleted, At: at(5)}
				if _, err := s.ReadReport(ctx, r, mms.Readers{Routes: []mms.Route{mms.AllPeers}, Match: mms.NumberTail}, at(5)); err != nil {
					t.Fatal(err)
				}
			},
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm4:peer", "node-a"),
			ev(1, alice, mms.EventSent, mms.StateSent, "", "q1"),
			ev(2, alice, mms.EventForwarded, mms.StateForwarded, "", "node-a"),
			ev(3, alice, mms.EventPeerReport, mms.StateRetrieved, "peer reported Retrieved", "node-a"),
			ev(4, alice, mms.EventPeerReport, "", "peer reported Rejected", "node-a"),
			ev(5, alice, mms.EventReadReport, "", "deleted", "node-a"),
		},
	}, {
		name: "peer: refused for now, then no response and its 250 stands",
		msg:  historyMessage("mm4:peer", alice),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateSent, Next: at(2)}),
			answer(alice, 2, mms.StateQueued, at(3), "temporary: peer answered Error-transient-failure"),
			attempt("q2", 3, mms.Outcome{State: mms.StateSent, Next: at(4)}),
			attempt("q3", 4, mms.Outcome{State: mms.StateForwarded, Next: at(4), LastError: "no MM4_forward.RES from the peer; its SMTP 250 stands"}),
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm4:peer", "node-a"),
			ev(1, alice, mms.EventSent, mms.StateSent, "", "q1"),
			ev(2, alice, mms.EventRetry, mms.StateQueued, "temporary: peer answered Error-transient-failure; next try at 2025-11-26T09:30:03Z", "node-a"),
			ev(3, alice, mms.EventSent, mms.StateSent, "", "q2"),
			ev(4, alice, mms.EventForwarded, mms.StateForwarded, "no MM4_forward.RES from the peer; its SMTP 250 stands", "q3"),
		},
	}, {
		name: "cancelled, resent, one cancelled again",
		msg:  historyMessage(mms.RouteMM1, alice, bob),
		steps: []step{
			func(t *testing.T, s *Store, m *mms.Message) {
				if n, err := s.Cancel(ctx, m.ID, "cancelled by news", at(1)); err != nil || n != 2 {
					t.Fatalf("Cancel: %d, %v", n, err)
				}
				// Nothing left to cancel: no events.
				if n, err := s.Cancel(ctx, m.ID, "cancelled by news", at(2)); err != nil || n != 0 {
					t.Fatalf("Cancel again: %d, %v", n, err)
				}
				if _, err := s.Resend(ctx, m.ID, bob, "resent by ops", at(3)); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Resend(ctx, m.ID, bob, "resent by ops, again", at(4)); err != nil {
					t.Fatal(err)
				}
				if err := s.CancelRecipient(ctx, m.ID, alice, "no", at(5)); err == nil {
					t.Fatal("CancelRecipient of a cancelled recipient: no conflict")
				}
				if err := s.CancelRecipient(ctx, m.ID, bob, "cancelled by ops", at(6)); err != nil {
					t.Fatal(err)
				}
			},
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(0, bob, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(1, alice, mms.EventCancelled, mms.StateCancelled, "cancelled by news", "node-a"),
			ev(1, bob, mms.EventCancelled, mms.StateCancelled, "cancelled by news", "node-a"),
			ev(3, bob, mms.EventResent, mms.StateQueued, "resent by ops", "node-a"),
			ev(4, bob, mms.EventResent, "", "resent by ops, again", "node-a"),
			ev(6, bob, mms.EventCancelled, mms.StateCancelled, "cancelled by ops", "node-a"),
		},
	}, {
		name: "unroutable at accept; failed and expired attempts",
		msg: func() *mms.Message {
			m := historyMessage(mms.RouteMM1, alice, bob)
			m.Recipients = append(m.Recipients, mms.Recipient{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed, LastError: "no route"})
			return m
		}(),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateFailed, Next: at(1), LastError: "smpp: submit_sm refused"}),
			attempt("q1", 2, mms.Outcome{State: mms.StateExpired, Next: at(2)}),
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(0, bob, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(0, "+15550100", mms.EventUnroutable, mms.StateFailed, "no route", "node-a"),
			ev(1, alice, mms.EventFailed, mms.StateFailed, "smpp: submit_sm refused", "q1"),
			ev(2, bob, mms.EventExpired, mms.StateExpired, "", "q1"),
		},
	}, {
		name: "converted to a web link; a VASP takes one",
		msg: func() *mms.Message {
			m := historyMessage(mms.RouteMM1, alice)
			m.Recipients = append(m.Recipients, mms.Recipient{Address: "12345", Route: "mm7:news"})
			return m
		}(),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateNotified, Next: at(100), Notified: true, SMSCID: "smsc-2",
				Route: mms.RouteWebLink, LastError: "not retrieved in 1h0m0s; sent as a web link"}),
			attempt("q2", 2, mms.Outcome{State: mms.StateRetrieved, Next: at(2)}),
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(0, "12345", mms.EventAccepted, mms.StateQueued, "mm7:news", "node-a"),
			ev(1, alice, mms.EventConverted, mms.StateNotified, "not retrieved in 1h0m0s; sent as a web link", "q1"),
			ev(2, "12345", mms.EventDelivered, mms.StateRetrieved, "", "q2"),
		},
	}, {
		name: "quiet attempts, refused releases and late answers are no events",
		msg:  historyMessage(mms.RouteMM1, alice),
		steps: []step{
			attempt("q1", 1, mms.Outcome{State: mms.StateNotified, Next: at(2), Notified: true}),
			answer(alice, 2, mms.StateDeferred, at(2), ""),
			// The handset will fetch: the attempt only waits for the expiry.
			attempt("q2", 3, mms.Outcome{State: mms.StateDeferred, Next: at(4)}),
			func(t *testing.T, s *Store, m *mms.Message) {
				id := leased(t, s, "q3", at(4))
				// Another owner's release is refused, and records nothing.
				if err := s.Release(ctx, id, "q-other", mms.Outcome{State: mms.StateFailed, Next: at(4)}, at(4)); err == nil {
					t.Fatal("a release by another owner was taken")
				}
				// The handset fetches while the attempt runs: the attempt's
				// expiry does not apply, and is no event.
				if _, err := s.Answer(ctx, id, mms.StateRetrieved, at(5), "", at(5)); err != nil {
					t.Fatal(err)
				}
				if err := s.Release(ctx, id, "q3", mms.Outcome{State: mms.StateExpired, Next: at(6)}, at(6)); err != nil {
					t.Fatal(err)
				}
				// A late answer changes nothing.
				if changed, err := s.Answer(ctx, id, mms.StateRejected, at(7), "late", at(7)); err != nil || changed {
					t.Fatalf("late answer: %v, %v", changed, err)
				}
			},
		},
		want: []mms.Event{
			ev(0, alice, mms.EventAccepted, mms.StateQueued, "mm1", "node-a"),
			ev(1, alice, mms.EventNotified, mms.StateNotified, "", "q1"),
			ev(2, alice, mms.EventDeferred, mms.StateDeferred, "", "node-a"),
			ev(5, alice, mms.EventRetrieved, mms.StateRetrieved, "", "node-a"),
		},
	}}
	eachBackend(t, func(t *testing.T, bk backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := bk.open(t, bk.fresh(t))
				s.SetNode("node-a")
				m := *tt.msg
				if err := s.Accept(ctx, &m); err != nil {
					t.Fatal(err)
				}
				for _, step := range tt.steps {
					step(t, s, &m)
				}
				got, err := s.Events(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("events:\n%s\nwant:\n%s", timeline(got), timeline(tt.want))
				}
			})
		}
	})
}

// timeline is events one a line, as a diff reads them.
func timeline(l []mms.Event) string {
	s := ""
	for _, e := range l {
		s += fmt.Sprintf("  %s %s %s state=%q detail=%q node=%q\n", e.At.Format("15:04:05.000"), e.Address, e.Kind, e.State, e.Detail, e.Node)
	}
	return s
}

// TestEventsPurged: a message's events go with it, and a message never
// stored has none.
func TestEventsPurged(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s := bk.open(t, bk.fresh(t))
		gone, kept := historyMessage(mms.RouteMM1, alice), historyMessage(mms.RouteMM1, alice)
		kept.Received = at(10)
		for _, m := range []*mms.Message{gone, kept} {
			if err := s.Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Cancel(ctx, gone.ID, "cancelled", at(1)); err != nil {
			t.Fatal(err)
		}
		if p, err := s.Purge(ctx, at(5), at(5)); err != nil || p.Messages != 1 {
			t.Fatalf("Purge: %+v, %v", p, err)
		}
		if l, err := s.Events(ctx, gone.ID); err != nil || len(l) != 0 {
			t.Errorf("events of the purged message: %v, %v", l, err)
		}
		var left int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM recipient_events WHERE message_id = $1`, string(gone.ID)).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d rows of the purged message's events left (%v)", left, err)
		}
		// The purged events were the newest: their numbers may be given
		// again, and still follow the kept message's earlier ones.
		if _, err := s.Cancel(ctx, kept.ID, "cancelled", at(20)); err != nil {
			t.Fatal(err)
		}
		want := []mms.Event{
			ev(10, alice, mms.EventAccepted, mms.StateQueued, "mm1", ""),
			ev(20, alice, mms.EventCancelled, mms.StateCancelled, "cancelled", ""),
		}
		if l, err := s.Events(ctx, kept.ID); err != nil || fmt.Sprint(l) != fmt.Sprint(want) {
			t.Errorf("events of the message kept:\n%s\nwant:\n%s", timeline(l), timeline(want))
		}
		if l, err := s.Events(ctx, "no-such-message"); err != nil || l != nil {
			t.Errorf("events of no message: %v, %v", l, err)
		}
	})
}

// TestEventsMigration: the history's version applies to a database with
// messages in it, which have no events for their past but record them from
// then on.
func TestEventsMigration(t *testing.T) {
	version := slices.IndexFunc(migrations, func(m migration) bool {
		return strings.Contains(m.sql, "CREATE TABLE recipient_events")
	}) + 1
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		where := bk.fresh(t)
		s := bk.open(t, where)
		old := historyMessage(mms.RouteMM1, alice)
		if err := s.Accept(ctx, old); err != nil {
			t.Fatal(err)
		}
		s.Close()
		db := rawDB(t, bk, where)
		undoVersion22(t, db)
		for _, q := range []string{
			`DROP TABLE recipient_events`,
			fmt.Sprintf(`DELETE FROM schema_version WHERE version >= %d`, version),
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		s = bk.open(t, where)
		if have, want, err := s.SchemaVersion(ctx); err != nil || have != want {
			t.Fatalf("schema version %d, want %d (%v)", have, want, err)
		}
		if l, err := s.Events(ctx, old.ID); err != nil || len(l) != 0 {
			t.Errorf("events of a message from before: %v, %v", l, err)
		}
		if _, err := s.Cancel(ctx, old.ID, "cancelled by news", at(1)); err != nil {
			t.Fatal(err)
		}
		want := []mms.Event{ev(1, alice, mms.EventCancelled, mms.StateCancelled, "cancelled by news", "")}
		if l, err := s.Events(ctx, old.ID); err != nil || fmt.Sprint(l) != fmt.Sprint(want) {
			t.Errorf("events after the migration:\n%s\nwant:\n%s", timeline(l), timeline(want))
		}
	})
}
