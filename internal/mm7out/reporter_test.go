package mm7out_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm7out"
	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// fakeVASP stands for a VASP's MM7 server: it records what it is sent and
// answers with the status it is told, in its own version.
type fakeVASP struct {
	mu     sync.Mutex
	got    []string
	answer func() (int, []byte)
}

func (f *fakeVASP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	user, pass, _ := r.BasicAuth()
	f.mu.Lock()
	f.got = append(f.got, user+":"+pass+" "+string(b))
	f.mu.Unlock()
	code, body := f.answer()
	w.Header().Set("Content-Type", mm7soap.ContentType)
	w.WriteHeader(code)
	w.Write(body)
}

func rsp(code int) func() (int, []byte) {
	return func() (int, []byte) {
		return 200, mm7soap.Response{Namespace: mm7soap.NamespaceFor("5.3.0"), Version: "5.3.0", TransactionID: "x",
			Op: "DeliveryReportRsp", Status: mm7soap.Status{Code: code}}.XML()
	}
}

// TestReport: a delivery report goes to the account's MM7 URL in its own
// version with its credentials; the VASP's answer decides done, again, or
// never.
func TestReport(t *testing.T) {
	vaspSrv := &fakeVASP{}
	srv := httptest.NewServer(vaspSrv)
	defer srv.Close()
	st := storetest.SQLite(t)
	ctx := context.Background()
	for _, a := range []vasp.Account{
		{Name: "news", MM7URL: srv.URL + "/mm7", MM7User: "mmsc", MM7Password: "pw", MM7Version: "5.3.0"},
		{Name: "silent"},
	} {
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	obs := &sends{}
	r := mm7out.NewReporter(st, "mms.example.net", obs)
	m := &mms.Message{ID: "06h1c1j1mchqz96kx9faz78874", EnvelopeFrom: "12345"}
	report := func(acct, state string) error {
		return r.Report(ctx, m, mms.OutboxMail{VASP: acct, Report: mms.Report{Kind: mms.ReportDelivery, About: "+447778889999", Status: state}},
			time.Date(2026, 12, 5, 10, 1, 2, 0, time.UTC))
	}
	tests := []struct {
		name      string
		answer    func() (int, []byte)
		temporary bool
		permanent bool
	}{
		{"1000", rsp(1000), false, false},
		{"4006 busy", rsp(4006), true, false},
		{"3000", rsp(3000), true, false},
		{"2000 refused", rsp(2000), false, true},
		{"an HTML error page", func() (int, []byte) { return 503, []byte("<html>busy</html>") }, true, false},
		{"a fault with 4004", func() (int, []byte) {
			return 500, mm7soap.Fault(mm7soap.NamespaceFor("5.3.0"), "5.3.0", mm7soap.Status{Code: 4004})
		}, false, true},
	}
	for _, tt := range tests {
		vaspSrv.answer = tt.answer
		err := report("news", string(mms.StateDeferred))
		if (err != nil) != (tt.temporary || tt.permanent) || mms.IsPermanent(err) != tt.permanent {
			t.Errorf("%s: %v; want temporary %v permanent %v", tt.name, err, tt.temporary, tt.permanent)
		}
		if got := obs.last(); got.vasp != "news" || got.kind != "report" || got.err != err {
			t.Errorf("%s: the observer was told %+v", tt.name, got)
		}
	}
	got := vaspSrv.got[0]
	for _, want := range []string{"mmsc:pw ", "REL-5-MM7-1-3", "<MM7Version>5.3.0</MM7Version>", "<MessageID>06h1c1j1mchqz96kx9faz78874</MessageID>",
		"<Recipient><Number>+447778889999</Number></Recipient>", "<Sender><ShortCode>12345</ShortCode></Sender>",
		"<MMStatus>Indeterminate</MMStatus>", // Deferred is not in REL-5
		"<MMSRelayServerID>mms.example.net</MMSRelayServerID>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the request lacks %q:\n%s", want, got)
		}
	}
	if err := report("silent", string(mms.StateRetrieved)); !errors.Is(err, mms.ErrNoEndpoint) {
		t.Errorf("an account without an MM7 URL: %v, want ErrNoEndpoint", err)
	}
	if len(obs.got) != len(tests) {
		t.Errorf("the observer was told of %d requests, want %d (none for an account without an MM7 URL)", len(obs.got), len(tests))
	}
}

// sends records what an Observer is told.
type sends struct{ got []sent }

type sent struct {
	vasp, kind string
	err        error
}

func (s *sends) Sent(vasp, kind string, err error) { s.got = append(s.got, sent{vasp, kind, err}) }

func (s *sends) last() sent {
	if len(s.got) == 0 {
		return sent{}
	}
	return s.got[len(s.got)-1]
}

// recorder stands for the MM4 side in TestPreferMM7: it records what it
// was asked to send.
type recorder struct{ got []string }

func (r *recorder) Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error {
	r.got = append(r.got, mail.What())
	return nil
}

func (r *recorder) Reaches(context.Context, *mms.Message, bool) (bool, error) { return true, nil }

// TestPreferMM7: a VASP that submitted over MM4 and has an MM7 URL gets its
// reports over MM7; its MM4_forward.RES still goes by MM4, and a VASP
// without an MM7 URL gets everything by MM4.
func TestPreferMM7(t *testing.T) {
	vaspSrv := &fakeVASP{answer: rsp(1000)}
	srv := httptest.NewServer(vaspSrv)
	defer srv.Close()
	st := storetest.SQLite(t)
	ctx := context.Background()
	for _, a := range []vasp.Account{{Name: "both", MM7URL: srv.URL + "/mm7"}, {Name: "mm4only"}} {
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	mm4 := &recorder{}
	p := mm7out.NewPreferMM7(mm7out.NewReporter(st, "", nil), mm4)
	m := &mms.Message{ID: "m1", EnvelopeFrom: "12345"}
	report := mms.Report{Kind: mms.ReportDelivery, About: "+447778889999", Status: string(mms.StateRetrieved)}
	for _, mail := range []mms.OutboxMail{
		{VASP: "both", Report: report},
		{VASP: "both", Mail: mms.Mail{Kind: "MM4_forward.RES"}},
		{VASP: "mm4only", Report: report},
	} {
		if err := p.Report(ctx, m, mail, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(vaspSrv.got) != 1 || !strings.Contains(vaspSrv.got[0], "DeliveryReportReq") {
		t.Errorf("over MM7: %q, want the one delivery report of the account with an MM7 URL", vaspSrv.got)
	}
	if strings.Join(mm4.got, ",") != "MM4_forward.RES,delivery report" {
		t.Errorf("over MM4: %q", mm4.got)
	}
}
