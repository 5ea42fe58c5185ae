package admin

import (
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// A cursor is outside input: any string is refused or read, never a panic,
// and every cursor this server gives reads back to its position.
func FuzzCursor(f *testing.F) {
	f.Add(cursor(mms.Summary{ID: "06h1c1j1mchqz96kx9faz78874", Received: time.UnixMilli(1764000000123)}))
	f.Add("bm9wZQ")
	f.Add("")
	f.Add("OjA")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseCursor(s)
		if err != nil {
			return
		}
		back := cursor(mms.Summary{ID: p.ID, Received: p.Received})
		if q, err := parseCursor(back); err != nil || q.ID != p.ID || !q.Received.Equal(p.Received) {
			t.Errorf("cursor %q read as %+v, which writes %q and reads back as %+v, %v", s, p, back, q, err)
		}
	})
}
