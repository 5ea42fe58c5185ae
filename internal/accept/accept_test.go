package accept_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

func TestSubmitRoutesAndStores(t *testing.T) {
	st := storetest.SQLite(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := accept.New(st, accept.Config{Now: func() time.Time { return now }})

	m := &mms.Message{
		Origin: mms.Origin{Account: "acme"}, Raw: []byte("Subject: x\r\n\r\nhi\r\n"),
		Recipients: []mms.Recipient{
			{Address: "+447700900001"},                          // no route chosen by address form: a handset
			{Address: "+447700900002", Route: mms.RouteWAPPush}, // asked for Multimedia WAP Push
		},
	}
	id, err := r.Accept(context.Background(), m)
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
	if !got.Expiry.Equal(now.Add(accept.DefaultRetain)) {
		t.Errorf("expiry %v, want the end of retention %v", got.Expiry, now.Add(accept.DefaultRetain))
	}

	// No recipients is the caller's mistake, refused before the store.
	_, err = r.Accept(context.Background(), &mms.Message{})
	if err == nil || !mms.IsPermanent(err) {
		t.Errorf("submit without recipients: %v, want a permanent error", err)
	}
	// A closed store is a temporary failure.
	st.Close()
	_, err = r.Accept(context.Background(), &mms.Message{Recipients: []mms.Recipient{{Address: "+447700900001"}}})
	if err == nil || mms.IsPermanent(err) {
		t.Errorf("submit to a closed store: %v, want a temporary error", err)
	}
}

// TestSubmitRoutesByTable: local numbers first, then the most specific
// route; reject routes and numbers no route takes fail at once.
func TestSubmitRoutesByTable(t *testing.T) {
	st := storetest.SQLite(t,
		route.Route{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*"), Host: "mmsc.pl.example:25", Domain: "mms.pl.example"},
		route.Route{Name: "uk-all", Kind: route.KindMM4, Match: mms.ParseMasks("+44*"), Host: "mmsc.uk.example:25", Domain: "mms.uk.example"},
		route.Route{Name: "premium", Kind: route.KindReject, Match: mms.ParseMasks("+4490*")},
		route.Route{Name: "mvno", Kind: route.KindMM1, Match: mms.ParseMasks("+4479*")},
	)
	r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+4477*"), Routes: st})
	m := &mms.Message{Raw: []byte("x"), Recipients: []mms.Recipient{
		{Address: "+447700900001"}, // local, though +44* is routed
		{Address: "+48600100200"},
		{Address: "+449012345678"},
		{Address: "+447900900001"},
		{Address: "+15550100"},
	}}
	id, err := r.Accept(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Head(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		route mms.Route
		state mms.State
		err   string
	}{
		{mms.RouteMM1, mms.StateQueued, ""},
		{"mm4:pl", mms.StateQueued, ""},
		{mms.RouteNone, mms.StateFailed, "rejected by route premium"},
		{mms.RouteMM1, mms.StateQueued, ""},
		{mms.RouteNone, mms.StateFailed, "no route"},
	}
	for i, w := range want {
		rc := got.Recipients[i]
		if rc.Route != w.route || rc.State != w.state || rc.LastError != w.err {
			t.Errorf("%s: route %s state %s error %q; want %s %s %q", rc.Address, rc.Route, rc.State, rc.LastError, w.route, w.state, w.err)
		}
	}
	if rc := got.Recipients[1]; rc.TransactionID == "" || rc.Token != "" {
		t.Errorf("mm4 recipient: transaction ID %q token %q; want a transaction ID for the peer's answer and no token", rc.TransactionID, rc.Token)
	}
}

// TestWebLinkRouteForLocalNumbers: a weblink route that names numbers of
// ours (landlines) takes them although they are local; a default weblink
// route takes only the numbers nobody names, never local ones.
func TestWebLinkRouteForLocalNumbers(t *testing.T) {
	st := storetest.SQLite(t,
		route.Route{Name: "landlines", Kind: route.KindWebLink, Match: mms.ParseMasks("+4420*")},
		route.Route{Name: "elsewhere", Kind: route.KindWebLink, Default: true},
	)
	r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*"), Routes: st})
	m := &mms.Message{Raw: []byte("x"), Recipients: []mms.Recipient{
		{Address: "+442079460000"}, {Address: "+447700900001"}, {Address: "+15550100"}}}
	id, err := r.Accept(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Head(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []mms.Route{mms.RouteWebLink, mms.RouteMM1, mms.RouteWebLink} {
		if rc := got.Recipients[i]; rc.Route != want || rc.Token == "" {
			t.Errorf("%s: route %s, token %q; want %s with a token", rc.Address, rc.Route, rc.Token, want)
		}
	}
}

// callbackFunc stands for the operator's routing service.
type callbackFunc func(from, vasp, to string) (string, error)

func (f callbackFunc) Route(ctx context.Context, from, vasp, to string) (string, error) {
	return f(from, vasp, to)
}

// TestRoutingCallback: the callback's answer routes non-local recipients
// (all of them when forced); when it fails, the fallback decides.
func TestRoutingCallback(t *testing.T) {
	st := storetest.SQLite(t,
		route.Route{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*"), Host: "h:25", Domain: "d"},
		route.Route{Name: "other", Kind: route.KindMM4, Match: mms.ParseMasks("+49*"), Host: "h2:25", Domain: "d2"},
	)
	var asked []string
	cb := callbackFunc(func(from, vasp, to string) (string, error) {
		asked = append(asked, from+" "+vasp+" "+to)
		switch to {
		case "+48600000001":
			return "other", nil // ported to another network
		case "+48600000002":
			return "Reject", nil
		case "+48600000003":
			return "Direct", nil // ported in
		case "+48600000004":
			return "nosuch", nil
		case "+447700900001":
			return "pl", nil
		}
		return "", errors.New("timeout")
	})
	tests := []struct {
		name     string
		force    bool
		fallback string
		rcpt     string
		route    mms.Route
		err      string
	}{
		{"ported out", false, "table", "+48600000001", "mm4:other", ""},
		{"callback rejects", false, "table", "+48600000002", mms.RouteNone, "rejected by the routing callback"},
		{"ported in", false, "table", "+48600000003", mms.RouteMM1, ""},
		{"unknown route", false, "table", "+48600000004", mms.RouteNone, "the routing callback named no route of ours: nosuch"},
		{"callback down, table fallback", false, "table", "+48600000005", "mm4:pl", ""},
		{"callback down, reject fallback", false, "reject", "+48600000005", mms.RouteNone, "routing callback unavailable"},
		{"local not asked", false, "table", "+447700900001", mms.RouteMM1, ""},
		{"local asked when forced", true, "table", "+447700900001", "mm4:pl", ""},
	}
	for _, tt := range tests {
		asked = nil
		r := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+4477*"), Routes: st, Callback: cb,
			ForceCallback: tt.force, CallbackFallback: tt.fallback})
		id, err := r.Accept(context.Background(), &mms.Message{Origin: mms.Origin{Account: "acme"}, EnvelopeFrom: "+447779998888/TYPE=PLMN@mms.example.net",
			Raw: []byte("x"), Recipients: []mms.Recipient{{Address: tt.rcpt}}})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := st.Head(context.Background(), id)
		if rc := got.Recipients[0]; rc.Route != tt.route || rc.LastError != tt.err {
			t.Errorf("%s: route %s error %q; want %s %q", tt.name, rc.Route, rc.LastError, tt.route, tt.err)
		}
		if tt.name == "ported out" && (len(asked) != 1 || asked[0] != "+447779998888 acme +48600000001") {
			t.Errorf("callback asked %q", asked)
		}
	}
}

// TestUnreachableRecipients: an e-mail address has no route until MM3
// arrives, and the other recipients go on. An interface that refuses
// unroutable messages (MM1) gets ErrUnroutable when no recipient can be
// reached, and nothing is stored; MM4 stores the message all the same.
func TestUnreachableRecipients(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	r := accept.New(st, accept.Config{RefuseUnroutable: []mms.Interface{mms.InterfaceMM1}})
	tests := []struct {
		iface   mms.Interface
		to      []string
		refused bool
		want    []mms.State
	}{
		{mms.InterfaceMM1, []string{"bob@example.com", "+447700900001"}, false, []mms.State{mms.StateFailed, mms.StateQueued}},
		{mms.InterfaceMM1, []string{"bob@example.com"}, true, nil},
		{mms.InterfaceMM4, []string{"bob@example.com"}, false, []mms.State{mms.StateFailed}},
	}
	for _, tt := range tests {
		m := &mms.Message{Origin: mms.Origin{Interface: tt.iface}, Raw: []byte("x")}
		for _, a := range tt.to {
			m.Recipients = append(m.Recipients, mms.Recipient{Address: a})
		}
		before, _ := st.Messages(ctx, 100)
		id, err := r.Accept(ctx, m)
		after, _ := st.Messages(ctx, 100)
		if tt.refused {
			if !errors.Is(err, mms.ErrUnroutable) || !mms.IsPermanent(err) || len(after) != len(before) {
				t.Errorf("%s %v: %v, %d messages stored; want a permanent mms.ErrUnroutable and none", tt.iface, tt.to, err, len(after)-len(before))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %v: %v", tt.iface, tt.to, err)
		}
		got, _ := st.Head(ctx, id)
		for i, w := range tt.want {
			rc := got.Recipients[i]
			if rc.State != w || (w == mms.StateFailed && rc.LastError != "no route") {
				t.Errorf("%s %s: %s %q, want %s", tt.iface, rc.Address, rc.State, rc.LastError, w)
			}
		}
	}
}

// TestPacedVASP: a VASP with a max rate has every message accepted and
// stored at once, each one due 1/rate after the one before; another
// account's are due at once.
func TestPacedVASP(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	for _, a := range []vasp.Account{{Name: "slow", MaxRate: 2}, {Name: "fast"}} {
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	r := accept.New(st, accept.Config{Now: func() time.Time { return now }, Pace: vasp.NewPacer(st)})
	due := func(account string) time.Time {
		id, err := r.Accept(ctx, &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: account}, Raw: []byte("x"),
			Recipients: []mms.Recipient{{Address: "+447700900001"}}})
		if err != nil {
			t.Fatal(err)
		}
		sum, _ := st.Messages(ctx, 100)
		for _, s := range sum {
			if s.ID == id {
				return s.Recipients[0].NextAttempt
			}
		}
		t.Fatalf("message %s not stored", id)
		return time.Time{}
	}
	for i := range 3 {
		if got, want := due("slow"), now.Add(time.Duration(i)*500*time.Millisecond); !got.Equal(want) {
			t.Errorf("slow message %d due %v, want %v", i, got, want)
		}
	}
	if got := due("fast"); !got.Equal(now) {
		t.Errorf("an account without a rate: due %v, want at once", got)
	}
}

// TestObserver: the observer hears of each message made durable, with the
// time from the start of Accept until the store returned; of nothing that
// was refused or failed.
func TestObserver(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	st := slowStore{Store: storetest.SQLite(t), took: 7 * time.Millisecond, now: &now}
	var heard []observed
	r := accept.New(st, accept.Config{Now: func() time.Time { return now }, Observer: observer(func(o mms.Origin, took time.Duration) {
		heard = append(heard, observed{o, took})
	})})
	origin := mms.Origin{Interface: mms.InterfaceMM7, Account: "news"}
	if _, err := r.Accept(ctx, &mms.Message{Origin: origin, Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+447700900001"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Accept(ctx, &mms.Message{Origin: origin}); err == nil {
		t.Fatal("a message without recipients was accepted")
	}
	st.Store.(interface{ Close() error }).Close()
	if _, err := r.Accept(ctx, &mms.Message{Origin: origin, Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+447700900001"}}}); err == nil {
		t.Fatal("a closed store accepted")
	}
	if want := []observed{{origin, 7 * time.Millisecond}}; len(heard) != 1 || heard[0] != want[0] {
		t.Errorf("observed %v, want %v", heard, want)
	}
}

type observed struct {
	o    mms.Origin
	took time.Duration
}

type observer func(mms.Origin, time.Duration)

func (f observer) Accepted(o mms.Origin, took time.Duration) { f(o, took) }

// slowStore takes took of the test's clock to make a message durable.
type slowStore struct {
	accept.Store
	took time.Duration
	now  *time.Time
}

func (s slowStore) Accept(ctx context.Context, m *mms.Message) error {
	*s.now = s.now.Add(s.took)
	return s.Store.Accept(ctx, m)
}

// reach answers Reaches as the delivery engine's reporters would for one
// account: whether it takes responses, whether it takes reports, or that
// it cannot tell.
type reach struct {
	responses, reports bool
	err                error
}

func (r reach) Reaches(_ context.Context, _ *mms.Message, report bool) (bool, error) {
	if report {
		return r.reports, r.err
	}
	return r.responses, r.err
}

// owes writes one mail for every message: an MM4_forward.RES stands in.
type owes struct{}

func (owes) Owed(m *mms.Message) ([]mms.Mail, error) {
	return []mms.Mail{{Kind: "MM4_forward.RES", From: "system-user@mms.example.net", To: "vasp@vasp.example", Data: []byte("x")}}, nil
}

// TestOwedOnlyWhereItCanGo: what the originator is owed is written only
// when it has somewhere to take it; when that cannot be told, it is
// written (and held when sent, as before).
func TestOwedOnlyWhereItCanGo(t *testing.T) {
	for _, tc := range []struct {
		name        string
		reach       accept.Reach
		wantOutbox  int
		wantNowhere bool
	}{
		{"no Reach configured", nil, 1, false},
		{"takes both", reach{responses: true, reports: true}, 1, false},
		{"takes neither (an IP account without a report endpoint)", reach{}, 0, true},
		{"takes reports only (an MM7 URL)", reach{reports: true}, 0, false},
		{"takes responses only", reach{responses: true}, 1, true},
		{"cannot tell", reach{err: errors.New("store down")}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.SQLite(t)
			ctx := context.Background()
			r := accept.New(st, accept.Config{Reach: tc.reach,
				Responders: map[mms.Interface]accept.Responder{mms.InterfaceMM4: owes{}}})
			m := &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: "acme"}, Raw: []byte("x"),
				AckRequest: true, DeliveryReport: true, Recipients: []mms.Recipient{{Address: "+447700900001"}}}
			id, err := r.Accept(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			owed, err := st.Outbox().ForMessage(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(owed) != tc.wantOutbox || got.ReportsNowhere != tc.wantNowhere || !got.DeliveryReport {
				t.Errorf("outbox %d rows, reports nowhere %v, delivery report %v; want %d rows, %v, true",
					len(owed), got.ReportsNowhere, got.DeliveryReport, tc.wantOutbox, tc.wantNowhere)
			}
		})
	}
}
