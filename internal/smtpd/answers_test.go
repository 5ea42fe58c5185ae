package smtpd

import (
	"context"
	"log/slog"
	"slices"
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

// TestPeerReadReports: TS 23.140 §8.4.5 as a peer's
// MM4_read_reply_report.REQ counts only from a recipient we forwarded the
// message to (its number as the peer writes it), once per recipient, and
// is answered with the .RES whenever the peer asks, repeats included.
func TestPeerReadReports(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t, route.Route{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*"),
		Host: "mmsc.pl.example:25", Domain: "mms.pl.example"})
	log := slog.New(slog.DiscardHandler)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	a := &answerer{rec: delivery.NewAnswers(st, log, func() time.Time { return now }), system: "system-user@mms.example.net",
		now: func() time.Time { return now }, log: log}
	in := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*"), Routes: st})
	id, err := in.Accept(ctx, &mms.Message{Raw: []byte("x"), MM4MessageID: "vasp-1@mms.example.net", ReadReply: true,
		Origin:     mms.Origin{Interface: mms.InterfaceMM4, Account: "vasp"},
		Recipients: []mms.Recipient{{Address: "+48600100200"}, {Address: "+447700900456"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		from   string
		times  int
		reads  []string // read reports owed to the originator afterwards
		answer int      // read_reply_report.RES owed to the peer afterwards
	}{
		{"a number we never sent it to", "+48600999999/TYPE=PLMN@mms.pl.example", 1, nil, 0},
		{"our own subscriber, who was not forwarded to", "+447700900456/TYPE=PLMN@mms.pl.example", 1, nil, 0},
		{"the recipient, in the peer's national form, three times", "600100200/TYPE=PLMN@mms.pl.example", 3, []string{"+48600100200"}, 3},
	}
	for _, tt := range tests {
		for range tt.times {
			p := &mm4.PDU{Type: mm4.TypeReadReplyReportReq, ReadReport: &mm4.ReadReport{TransactionID: "t1",
				MessageID: "vasp-1@mms.example.net", From: tt.from, To: "+447700900123/TYPE=PLMN@mms.example.net",
				ReadStatus: mm4.ReadStatusRead, AckRequest: true, OriginatorSystem: "system-user@mms.pl.example"}}
			if err := a.take(ctx, "pl", p); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		owed, err := st.Outbox().ForMessage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var reads []string
		answers := 0
		for _, o := range owed {
			switch {
			case o.Report.Kind == mms.ReportRead:
				reads = append(reads, o.Report.About)
			case o.Mail.Kind == mm4.TypeReadReplyReportRes:
				answers++
			}
		}
		if !slices.Equal(reads, tt.reads) || answers != tt.answer {
			t.Errorf("%s: read reports owed %v and %d answers to the peer; want %v and %d", tt.name, reads, answers, tt.reads, tt.answer)
		}
	}
}
