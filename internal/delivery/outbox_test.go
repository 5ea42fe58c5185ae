package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mm4out"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// endpoint stands for a VASP's report endpoint.
type endpoint struct {
	got []string // envelope recipients of what was sent
	err error
}

func (e *endpoint) SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error {
	if e.err != nil {
		return e.err
	}
	e.got = append(e.got, rcpt...)
	return nil
}

// TestForwardResponseOwed: a request with Ack-Request gets an
// MM4_forward.RES stored with it, Ok when a recipient could be routed and
// Error-sending-address-unresolved when none could; it is sent to the
// account's report endpoint, or held when the account has none.
func TestForwardResponseOwed(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	for _, a := range []vasp.Account{{Name: "with", ReportTo: "reports.example:25"}, {Name: "without"}} {
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+4477*"), Responders: map[mms.Interface]accept.Responder{
		mms.InterfaceMM4: mm4.ForwardResponder{System: "system-user@mms.example.net"}}})
	tests := []struct {
		vasp, rcpt, status string
		state              mms.OutboxState
	}{
		{"with", "+447700900001", mm4.StatusOk, mms.OutboxSent},
		{"with", "+15550100", mm4.StatusErrorSendingAddressUnresolved, mms.OutboxSent},
		{"without", "+447700900001", mm4.StatusOk, mms.OutboxHeld},
	}
	ep := &endpoint{}
	out := delivery.NewOutbox(st, map[mms.Interface]delivery.Reporter{
		mms.InterfaceMM4: mm4out.NewReporter(ep, st, mm4out.ReporterConfig{MMSDomain: "mms.example.net"}),
	}, slog.New(slog.DiscardHandler), nil)
	for _, tt := range tests {
		id, err := r.Accept(ctx, &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: tt.vasp}, TransactionID: "tx", MM4MessageID: "mid", AckRequest: true,
			OriginatorSystem: "reports@vasp.example", Raw: []byte("x"), Recipients: []mms.Recipient{{Address: tt.rcpt}}})
		if err != nil {
			t.Fatal(err)
		}
		mails, err := st.Outbox().ForMessage(ctx, id)
		if err != nil || len(mails) != 1 {
			t.Fatalf("%s → %s: outbox %+v, %v; want one RES", tt.vasp, tt.rcpt, mails, err)
		}
		p, err := mm4.ParseAny(mails[0].Data, time.Now())
		if err != nil || p.Response == nil || p.Response.Status != tt.status || p.Response.TransactionID != "tx" || mails[0].To != "reports@vasp.example" {
			t.Errorf("%s → %s: RES %+v to %s (%v), want status %s", tt.vasp, tt.rcpt, p, mails[0].To, err, tt.status)
		}
		l, err := st.Outbox().Lease(ctx, "q", time.Now(), time.Minute, 10)
		if err != nil || len(l) != 1 {
			t.Fatalf("lease: %v %v", l, err)
		}
		o := out.Attempt(ctx, l[0])
		if err := st.Outbox().Release(ctx, l[0].ID, "q", o, time.Now()); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.Outbox().Mail(ctx, l[0].ID); m.State != tt.state {
			t.Errorf("%s → %s: outbox state %s (%s), want %s", tt.vasp, tt.rcpt, m.State, m.LastError, tt.state)
		}
	}
	if len(ep.got) != 2 {
		t.Errorf("endpoint got %v, want two responses", ep.got)
	}

	// A refusal for good fails the mail; trouble on the way retries it.
	for _, tt := range []struct {
		err   error
		state mms.OutboxState
	}{{mms.Permanent(errors.New("550 no")), mms.OutboxFailed}, {errors.New("connection refused"), mms.OutboxQueued}} {
		ep.err = tt.err
		id, _ := r.Accept(ctx, &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: "with"}, TransactionID: "tx", MM4MessageID: "mid", AckRequest: true,
			OriginatorSystem: "reports@vasp.example", Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		l, _ := st.Outbox().Lease(ctx, "q", time.Now(), time.Minute, 10)
		if len(l) != 1 {
			t.Fatalf("lease for %s: %d mails", id, len(l))
		}
		if o := out.Attempt(ctx, l[0]); o.State != tt.state {
			t.Errorf("send error %v: outcome %s, want %s", tt.err, o.State, tt.state)
		} else {
			st.Outbox().Release(ctx, l[0].ID, "q", o, time.Now())
		}
	}
}

// TestOutboxAnswersByOrigin: what is owed goes back by the interface the
// message came by; a message from an interface nobody answers on fails
// its mail at once rather than retrying it for two days.
func TestOutboxAnswersByOrigin(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	// The MM4 responder stands in for whatever an MM7 ingress would owe.
	res := mm4.ForwardResponder{System: "system-user@mms.example.net"}
	r := accept.New(st, accept.Config{Responders: map[mms.Interface]accept.Responder{mms.InterfaceMM4: res, mms.InterfaceMM7: res}})
	ep := &endpoint{}
	if err := st.AddAccount(ctx, vasp.Account{Name: "acme", ReportTo: "reports.example:25"}); err != nil {
		t.Fatal(err)
	}
	out := delivery.NewOutbox(st, map[mms.Interface]delivery.Reporter{
		mms.InterfaceMM4: mm4out.NewReporter(ep, st, mm4out.ReporterConfig{MMSDomain: "mms.example.net"}),
	}, slog.New(slog.DiscardHandler), nil)
	tests := []struct {
		iface mms.Interface
		state mms.OutboxState
		err   string
	}{
		{mms.InterfaceMM4, mms.OutboxSent, ""},
		{mms.InterfaceMM7, mms.OutboxFailed, `no way to answer over "mm7", the interface the message came by`},
	}
	for _, tt := range tests {
		if _, err := r.Accept(ctx, &mms.Message{Origin: mms.Origin{Interface: tt.iface, Account: "acme"}, AckRequest: true,
			OriginatorSystem: "reports@vasp.example", Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+447700900001"}}}); err != nil {
			t.Fatal(err)
		}
		l, err := st.Outbox().Lease(ctx, "q", time.Now(), time.Minute, 10)
		if err != nil || len(l) != 1 {
			t.Fatalf("%s: lease %v, %v; want the one RES", tt.iface, l, err)
		}
		o := out.Attempt(ctx, l[0])
		if o.State != tt.state || o.LastError != tt.err {
			t.Errorf("%s: outcome %s %q, want %s %q", tt.iface, o.State, o.LastError, tt.state, tt.err)
		}
		st.Outbox().Release(ctx, l[0].ID, "q", o, time.Now())
	}
	if len(ep.got) != 1 {
		t.Errorf("MM4 endpoint got %v, want the MM4 message's RES alone", ep.got)
	}
}
