package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/store"
)

// smsLink stands for the far side of the notifier: it records each
// notification, or fails it with the next scripted error.
type smsLink struct {
	mu    sync.Mutex
	sent  map[string][]time.Time // address → when notified
	fails []error
}

func (l *smsLink) Notify(ctx context.Context, m *mms.Message, d mms.Delivery) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 0 {
		err := l.fails[0]
		l.fails = l.fails[1:]
		return "", err
	}
	if l.sent == nil {
		l.sent = map[string][]time.Time{}
	}
	l.sent[d.Address] = append(l.sent[d.Address], time.Now())
	return fmt.Sprint(len(l.sent[d.Address])), nil
}

func (l *smsLink) times(addr string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.sent[addr]...)
}

// mm1Setup runs a relay, a queue and an MM1 attempt runner on a real store,
// inside the current synctest bubble.
func mm1Setup(t *testing.T, link *smsLink, retain time.Duration) (*accept.Path, *store.Store, func()) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	mm1 := delivery.NewMM1(st, link, delivery.MM1Policy{RenotifyAfter: time.Hour, MaxNotifications: 3}, nil)
	q := queue.New(st, mm1, queue.Config{Owner: "test", Routes: []mms.Route{mms.RouteMM1}}, log)
	r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+4477*"), Retain: retain, Wake: func(*mms.Message) { q.Wake() }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	return r, st, func() { cancel(); <-done; st.Close() }
}

// answer records a handset's answer for message id's first recipient as the
// MM1 edge does: the row moves to state and is due at once.
func answer(t *testing.T, st *store.Store, id mms.MessageID, state mms.State) {
	t.Helper()
	d, err := st.DeliveryByToken(context.Background(), recipient(t, st, id, 0).Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Answer(context.Background(), d.ID, state, time.Now(), "", time.Now()); err != nil {
		t.Fatal(err)
	}
}

func recipient(t *testing.T, st *store.Store, id mms.MessageID, i int) mms.Recipient {
	t.Helper()
	m, err := st.Head(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Recipients[i]
}

// TestRenotifyThenExpire: a message nobody fetches is notified at once,
// again after renotify_after and twice that, never more than
// max_notifications times, and expires at the end of retention.
func TestRenotifyThenExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link := &smsLink{}
		r, st, stop := mm1Setup(t, link, 24*time.Hour)
		defer stop()
		start := time.Now()
		id, err := r.Accept(context.Background(), &mms.Message{
			Recipients: []mms.Recipient{{Address: "+447700900001"}, {Address: "+15550100"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := link.times("+447700900001"); len(got) != 1 || !got[0].Equal(start) {
			t.Fatalf("notifications right after the submit: %v, want one at %v", got, start)
		}
		if rc := recipient(t, st, id, 1); rc.State != mms.StateFailed || rc.LastError != "no route" || rc.Route != mms.RouteNone {
			t.Errorf("non-local recipient: %+v, want failed with \"no route\"", rc)
		}
		time.Sleep(23*time.Hour + 59*time.Minute)
		synctest.Wait()
		want := []time.Time{start, start.Add(time.Hour), start.Add(3 * time.Hour)}
		got := link.times("+447700900001")
		if len(got) != len(want) {
			t.Fatalf("notifications before expiry at %v: %v, want %v", start, got, want)
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("notification %d at +%v, want +%v", i, got[i].Sub(start), want[i].Sub(start))
			}
		}
		if rc := recipient(t, st, id, 0); rc.State != mms.StateNotified {
			t.Errorf("before expiry: state %s, want notified", rc.State)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if rc := recipient(t, st, id, 0); rc.State != mms.StateExpired {
			t.Errorf("after expiry: state %s, want expired", rc.State)
		}
	})
}

// TestFetchStopsNotifications: once the handset has the message, no
// further notification is sent (the duplicate-MMS complaint).
func TestFetchStopsNotifications(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link := &smsLink{}
		r, st, stop := mm1Setup(t, link, 24*time.Hour)
		defer stop()
		id, err := r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		answer(t, st, id, mms.StateRetrieved)
		time.Sleep(48 * time.Hour)
		synctest.Wait()
		if got := link.times("+447700900001"); len(got) != 1 {
			t.Errorf("%d notifications, want 1", len(got))
		}
		if rc := recipient(t, st, id, 0); rc.State != mms.StateRetrieved {
			t.Errorf("state %s, want retrieved (never expired once fetched)", rc.State)
		}
	})
}

// TestNotifyFailures: a temporary failure retries after RetryMin and then
// twice that; a permanent one ends the recipient with the reason.
func TestNotifyFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link := &smsLink{fails: []error{errors.New("smsc throttled"), errors.New("smsc throttled")}}
		r, st, stop := mm1Setup(t, link, 24*time.Hour)
		defer stop()
		start := time.Now()
		id, err := r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if rc := recipient(t, st, id, 0); rc.State != mms.StateQueued || rc.LastError != "temporary: smsc throttled" {
			t.Errorf("after a throttled submit: %+v", rc)
		}
		time.Sleep(delivery.DefaultRetryMin + 2*delivery.DefaultRetryMin)
		synctest.Wait()
		got := link.times("+447700900001")
		if len(got) != 1 || !got[0].Equal(start.Add(3*delivery.DefaultRetryMin)) {
			t.Errorf("notifications %v, want one at +%v", got, 3*delivery.DefaultRetryMin)
		}

		first := id
		link.mu.Lock()
		link.fails = []error{mms.Permanent(errors.New("smpp: submit_sm refused: ESME_RINVDSTADR (0x0000000b)"))}
		link.mu.Unlock()
		id, err = r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900002"}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if rc := recipient(t, st, id, 0); rc.State != mms.StateFailed || rc.LastError != "smpp: submit_sm refused: ESME_RINVDSTADR (0x0000000b)" {
			t.Errorf("after a refused submit: %+v", rc)
		}
		// The attempts' outcomes are the recipients' histories: retries are
		// told from notifications and failures by the outcome, not its words.
		for _, tt := range []struct {
			id   mms.MessageID
			want []mms.EventKind
		}{
			{first, []mms.EventKind{mms.EventAccepted, mms.EventRetry, mms.EventRetry, mms.EventNotified}},
			{id, []mms.EventKind{mms.EventAccepted, mms.EventFailed}},
		} {
			events, err := st.Events(context.Background(), tt.id)
			var got []mms.EventKind
			for _, e := range events {
				got = append(got, e.Kind)
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("events of %s: %v (%v), want %v", tt.id, got, err, tt.want)
			}
		}
	})
}
