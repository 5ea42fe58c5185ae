package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
)

// watcher records what an Observer is told.
type watcher struct {
	mu       sync.Mutex
	attempts []string // route/outcome
	notified []string // route/after
}

func (w *watcher) Attempted(route, outcome string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.attempts = append(w.attempts, route+"/"+outcome)
}

func (w *watcher) Notified(route string, after time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notified = append(w.notified, route+"/"+after.String())
}

func (w *watcher) take() ([]string, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, n := w.attempts, w.notified
	w.attempts, w.notified = nil, nil
	return a, n
}

// TestObserver: the engine tells its observer what each attempt came to,
// by route kind, and how long each recipient waited for its first
// notification: from the message's arrival, or from the delivery time it
// asked for; a failure that is retried counts in the wait.
func TestObserver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := slog.New(slog.DiscardHandler)
		st, err := store.OpenSQLite(context.Background(), t.TempDir(), log)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		link, w := &smsLink{}, &watcher{}
		e := delivery.New(st, st.Outbox(), delivery.Transports{Notify: link, Pages: link},
			delivery.Config{Owner: "test", Observer: w, MM1: delivery.MM1Policy{RenotifyAfter: time.Hour, MaxNotifications: 2}}, log)
		r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+4477*"), Wake: e.Wake})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		submit := func(m *mms.Message) {
			t.Helper()
			if _, err := r.Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		check := func(step string, attempts, notified []string) {
			t.Helper()
			a, n := w.take()
			if !slices.Equal(a, attempts) || !slices.Equal(n, notified) {
				t.Errorf("%s: attempts %v, first notifications after %v; want %v and %v", step, a, n, attempts, notified)
			}
		}

		submit(&mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		check("at once", []string{"mm1/notified"}, []string{"mm1/0s"})

		time.Sleep(time.Hour)
		synctest.Wait()
		check("again an hour later", []string{"mm1/notified"}, nil)

		submit(&mms.Message{Recipients: []mms.Recipient{{Address: "+447700900002"}}, DeliveryTime: time.Now().Add(30 * time.Minute)})
		check("not yet due", nil, nil)
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		check("at its delivery time", []string{"mm1/notified"}, []string{"mm1/0s"})

		link.mu.Lock()
		link.fails = []error{errors.New("SMSC busy")}
		link.mu.Unlock()
		submit(&mms.Message{Recipients: []mms.Recipient{{Address: "+447700900003"}}})
		check("a failure", []string{"mm1/retry"}, nil)
		time.Sleep(delivery.DefaultRetryMin)
		synctest.Wait()
		check("its retry", []string{"mm1/notified"}, []string{"mm1/" + delivery.DefaultRetryMin.String()})

		submit(&mms.Message{Recipients: []mms.Recipient{{Address: "+447700900004", Route: mms.RouteWAPPush}}})
		check("a Multimedia WAP Push", []string{"wappush/notified"}, []string{"wappush/0s"})
	})
}
