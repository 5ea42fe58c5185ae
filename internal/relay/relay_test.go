package relay_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/relay"
	"github.com/mmsc-project/mmsc/internal/store"
)

func TestSubmitRoutesAndStores(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := relay.New(st, relay.Config{Now: func() time.Time { return now }})

	m := &mms.Message{
		VASP: "acme", Raw: []byte("Subject: x\r\n\r\nhi\r\n"),
		Recipients: []mms.Recipient{
			{Address: "+447700900001"},                          // no route chosen by address form: a handset
			{Address: "+447700900002", Route: mms.RouteWAPPush}, // asked for Multimedia WAP Push
		},
	}
	id, err := r.Submit(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if id == "" || m.ID != id || !m.Received.Equal(now) {
		t.Fatalf("id %q, message ID %q received %v", id, m.ID, m.Received)
	}
	got, err := st.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []mms.Recipient{
		{Address: "+447700900001", Route: mms.RouteMM1, State: mms.StateQueued},
		{Address: "+447700900002", Route: mms.RouteWAPPush, State: mms.StateQueued},
	}
	for i, rc := range got.Recipients {
		if len(rc.Token) != 22 || (rc.Route == mms.RouteMM1) != (len(rc.TransactionID) == 12) {
			t.Errorf("recipient %d: token %q, transaction ID %q; want a token, and a transaction ID for mm1 only", i, rc.Token, rc.TransactionID)
		}
		rc.Token, rc.TransactionID = "", ""
		if i >= len(want) || rc != want[i] {
			t.Errorf("stored recipient %d: %+v, want %+v", i, rc, want)
		}
	}
	if !got.Expiry.Equal(now.Add(relay.DefaultRetain)) {
		t.Errorf("expiry %v, want the end of retention %v", got.Expiry, now.Add(relay.DefaultRetain))
	}

	// No recipients is the caller's mistake, refused before the store.
	_, err = r.Submit(context.Background(), &mms.Message{})
	if err == nil || !mms.IsPermanent(err) {
		t.Errorf("submit without recipients: %v, want a permanent error", err)
	}
	// A closed store is a temporary failure.
	st.Close()
	_, err = r.Submit(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
	if err == nil || mms.IsPermanent(err) {
		t.Errorf("submit to a closed store: %v, want a temporary error", err)
	}
}
