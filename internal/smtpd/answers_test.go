package smtpd

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
)

// TestForwardResponses: TS 23.140 §8.4.2 as a peer's MM4_forward.RES
// settles the recipient its forward carried, recorded by the real engine
// in a real store: Ok is forwarded, a transient error is sent again after
// a wait, any other error fails it with the peer's words, and a RES that
// names no forward of ours changes nothing.
func TestForwardResponses(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t, route.Route{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*"),
		Host: "mmsc.pl.example:25", Domain: "mms.pl.example"})
	log := slog.New(slog.DiscardHandler)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	a := &answerer{rec: delivery.NewAnswers(st, log, func() time.Time { return now }), system: "system-user@mms.example.net",
		now: func() time.Time { return now }, log: log}
	in := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*"), Routes: st})

	tests := []struct {
		status, text string
		tid          string // "" = the forward's own
		state        mms.State
		reason       string
		next         time.Duration
	}{
		{mm4.StatusOk, "", "", mms.StateForwarded, "", 0},
		{mm4.StatusErrorNetworkProblem, "try later", "", mms.StateQueued, "temporary: peer answered Error-network-problem: try later", delivery.DefaultRetryMin},
		{mm4.StatusErrorServiceDenied, "", "", mms.StateFailed, "peer answered Error-service-denied", 0},
		{mm4.StatusOk, "", "not-ours", mms.StateQueued, "", 0},
	}
	for _, tt := range tests {
		id, err := in.Accept(ctx, &mms.Message{Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+48600100200"}}})
		if err != nil {
			t.Fatal(err)
		}
		m, err := st.Head(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		tid := tt.tid
		if tid == "" {
			tid = m.Recipients[0].TransactionID
		}
		res := &mm4.PDU{Type: mm4.TypeForwardRes, Response: &mm4.Response{Type: mm4.TypeForwardRes, TransactionID: tid,
			Status: tt.status, StatusText: tt.text}}
		if err := a.take(ctx, "pl", res); err != nil {
			t.Fatalf("%s: %v", tt.status, err)
		}
		sum, err := st.Messages(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sum {
			if s.ID != id {
				continue
			}
			d := s.Recipients[0]
			if d.State != tt.state || d.LastError != tt.reason || !d.NextAttempt.Equal(now.Add(tt.next)) && tt.tid == "" {
				t.Errorf("%s %q (tid %q): recipient %s %q due %v; want %s %q due %v", tt.status, tt.text, tt.tid,
					d.State, d.LastError, d.NextAttempt, tt.state, tt.reason, now.Add(tt.next))
			}
		}
	}
}
