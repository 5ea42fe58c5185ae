package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestSubmitted: a handset's repeat finds its first submission by sender
// and Transaction-ID, within the window and over its own interface only.
func TestSubmitted(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		first := &mms.Message{ID: testID(), Received: t0, Origin: mms.Origin{Interface: mms.InterfaceMM1},
			EnvelopeFrom: "+447700900123", TransactionID: "S1", Recipients: []mms.Recipient{{Address: "+447700900456", Route: mms.RouteMM1}}}
		other := &mms.Message{ID: testID(), Received: t0, Origin: mms.Origin{Interface: mms.InterfaceMM4},
			EnvelopeFrom: "+447700900999", TransactionID: "S1", Recipients: []mms.Recipient{{Address: "+447700900456", Route: mms.RouteMM1}}}
		for _, m := range []*mms.Message{first, other} {
			if err := s.Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			iface       mms.Interface
			sender, tid string
			since       time.Time
			want        mms.MessageID
		}{
			{mms.InterfaceMM1, "+447700900123", "S1", t0.Add(-10 * time.Minute), first.ID},
			{mms.InterfaceMM1, "+447700900123", "S1", t0.Add(time.Millisecond), ""}, // older than the window
			{mms.InterfaceMM1, "+447700900123", "S2", t0.Add(-10 * time.Minute), ""},
			{mms.InterfaceMM1, "+447700900124", "S1", t0.Add(-10 * time.Minute), ""},
			{mms.InterfaceMM1, "+447700900999", "S1", t0.Add(-10 * time.Minute), ""}, // came by MM4
		}
		for _, tt := range tests {
			got, err := s.Submitted(ctx, tt.iface, tt.sender, tt.tid, tt.since)
			if tt.want == "" && !errors.Is(err, mms.ErrNotFound) || tt.want != "" && (err != nil || got != tt.want) {
				t.Errorf("Submitted(%s, %s, %s, %v) = %q, %v; want %q", tt.iface, tt.sender, tt.tid, tt.since, got, err, tt.want)
			}
		}
	})
}
