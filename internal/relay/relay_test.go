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
	r := relay.New(st, func() time.Time { return now })

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
	want := []mms.Recipient{{Address: "+447700900001", Route: mms.RouteMM1}, {Address: "+447700900002", Route: mms.RouteWAPPush}}
	if len(got.Recipients) != 2 || got.Recipients[0] != want[0] || got.Recipients[1] != want[1] {
		t.Errorf("stored recipients %+v, want %+v", got.Recipients, want)
	}

	// No recipients is the caller's mistake, refused before the store.
	_, err = r.Submit(context.Background(), &mms.Message{})
	if err == nil || !mms.IsPermanent(err) {
		t.Errorf("submit without recipients: %v, want a permanent error", err)
	}
	// A closed store is a temporary failure.
	st.Close()
	_, err = r.Submit(context.Background(), &mms.Message{Recipients: want[:1]})
	if err == nil || mms.IsPermanent(err) {
		t.Errorf("submit to a closed store: %v, want a temporary error", err)
	}
}
