package delivery_test

import (
	"context"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/store"
)

// convertSetup runs, as mmsc serve does, an MM1 queue whose runner turns
// unretrieved messages into web links after convertAfter, and a page queue
// for the web-link route, on a real store.
func convertSetup(t *testing.T, notices, links *smsLink, convertAfter time.Duration) (*accept.Path, *store.Store, func()) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	mm1 := queue.New(st, delivery.NewMM1(st, notices, delivery.MM1Policy{
		RenotifyAfter: time.Hour, MaxNotifications: 3, ConvertAfter: convertAfter, WebLink: links,
	}, nil), queue.Config{Owner: "mm1", Routes: []mms.Route{mms.RouteMM1}}, log)
	pages := queue.New(st, delivery.NewMM1(st, links, delivery.MM1Policy{MaxNotifications: 1}, nil),
		queue.Config{Owner: "pages", Routes: []mms.Route{mms.RouteWAPPush, mms.RouteWebLink}}, log)
	r := accept.New(st, accept.Config{Retain: 72 * time.Hour, Wake: func(*mms.Message) { mm1.Wake(); pages.Wake() }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { mm1.Run(ctx); done <- struct{}{} }()
	go func() { pages.Run(ctx); done <- struct{}{} }()
	return r, st, func() { cancel(); <-done; <-done; st.Close() }
}

// TestConvertAfter: an MMS not retrieved within convert_after is sent once
// as a web-link SMS, the recipient moves to the web-link route (its page
// now opens), is never notified over MM1 again, and expires as before.
func TestConvertAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notices, links := &smsLink{}, &smsLink{}
		r, st, stop := convertSetup(t, notices, links, 24*time.Hour)
		defer stop()
		start := time.Now()
		id, err := r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		if err != nil {
			t.Fatal(err)
		}
		token := recipient(t, st, id, 0).Token

		time.Sleep(24*time.Hour - time.Second)
		synctest.Wait()
		if got := notices.times("+447700900001"); len(got) != 3 {
			t.Errorf("MM1 notifications before convert_after: %d, want 3", len(got))
		}
		if got := links.times("+447700900001"); len(got) != 0 {
			t.Fatalf("web links before convert_after: %v, want none", got)
		}

		time.Sleep(time.Second)
		synctest.Wait()
		got := links.times("+447700900001")
		if len(got) != 1 || !got[0].Equal(start.Add(24*time.Hour)) {
			t.Fatalf("web links: %v, want one at +24h", got)
		}
		rc := recipient(t, st, id, 0)
		if rc.Route != mms.RouteWebLink || rc.State != mms.StateNotified || rc.Token != token {
			t.Errorf("after conversion: %+v, want route weblink, notified, the same token", rc)
		}

		time.Sleep(48*time.Hour - time.Second)
		synctest.Wait()
		if got := links.times("+447700900001"); len(got) != 1 {
			t.Errorf("web links before expiry: %d, want exactly 1", len(got))
		}
		if got := notices.times("+447700900001"); len(got) != 3 {
			t.Errorf("MM1 notifications after conversion: %d, want still 3", len(got))
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if rc := recipient(t, st, id, 0); rc.State != mms.StateExpired || rc.Route != mms.RouteWebLink {
			t.Errorf("after expiry: %+v, want expired on route weblink", rc)
		}
	})
}

// TestConvertAfterNotWhenRetrieved: a message the handset fetched, or that
// it answered as rejected, is never converted.
func TestConvertAfterNotWhenRetrieved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notices, links := &smsLink{}, &smsLink{}
		r, st, stop := convertSetup(t, notices, links, time.Hour)
		defer stop()
		for _, final := range []mms.State{mms.StateRetrieved, mms.StateRejected} {
			id, err := r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900002"}}})
			if err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			answer(t, st, id, final)
			time.Sleep(2 * time.Hour)
			synctest.Wait()
			if got := links.times("+447700900002"); len(got) != 0 {
				t.Errorf("%s: web links %v, want none", final, got)
			}
			if rc := recipient(t, st, id, 0); rc.State != final || rc.Route != mms.RouteMM1 {
				t.Errorf("%s: %+v, want it kept on route mm1", final, rc)
			}
		}
	})
}

// TestConvertAfterDeferred: a handset that deferred retrieval and never
// fetched is converted too, at convert_after, not at its expiry.
func TestConvertAfterDeferred(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notices, links := &smsLink{}, &smsLink{}
		r, st, stop := convertSetup(t, notices, links, 6*time.Hour)
		defer stop()
		start := time.Now()
		id, err := r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900003"}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		// As the MM1 edge records m-notifyresp-ind "deferred": due now,
		// for the queue to schedule.
		answer(t, st, id, mms.StateDeferred)
		time.Sleep(7 * time.Hour)
		synctest.Wait()
		if got := links.times("+447700900003"); len(got) != 1 || !got[0].Equal(start.Add(6*time.Hour)) {
			t.Errorf("web links %v, want one at +6h", got)
		}
	})
}
