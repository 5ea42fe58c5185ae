package mm4out

import (
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// sends records what an Observer is told.
type sends []sent

type sent struct {
	peer, kind string
	err        error
}

func (s *sends) Sent(peer, kind string, err error) { *s = append(*s, sent{peer, kind, err}) }

// TestObserver: every forward and report is told by the name the peer is
// configured by, its kind and whether it went, failed for now or for good.
func TestObserver(t *testing.T) {
	refuse := 0 // the SMTP code the peer answers RCPT with; 0 takes it
	p := newPeer(t, func(p *peer) {
		p.onRcpt = func(string) error {
			if refuse == 0 {
				return nil
			}
			return &smtp.SMTPError{Code: refuse, EnhancedCode: smtp.EnhancedCode{refuse / 100, 1, 1}, Message: "no"}
		}
	})
	obs := &sends{}
	tr := NewTransport(newClient(t, Config{}), TransportConfig{HELO: "mmsc.example.org", MMSDomain: "mms.example.org", Observer: obs})
	r := route.Route{Name: "operator-b", Host: p.addr, Domain: "mms.example.net"}
	m := &mms.Message{ID: "m1", From: "+447700900123/TYPE=PLMN", ContentType: "text/plain",
		Parts: []mms.Part{{ContentType: "text/plain", Data: []byte("hi")}}}
	d := mms.Delivery{Address: "+447700900456", TransactionID: "t1"}
	for _, code := range []int{0, 450, 550} {
		refuse = code
		tr.Forward(t.Context(), r, m, d, time.Now())
	}
	refuse = 0
	tr.SendReport(t.Context(), vasp.Account{Name: "news", ReportTo: p.addr}, sender, []string{recipient}, mm4Message(100))
	want := []struct {
		peer, kind        string
		failed, permanent bool
	}{
		{"operator-b", "forward", false, false},
		{"operator-b", "forward", true, false},
		{"operator-b", "forward", true, true},
		{"news", "report", false, false},
	}
	if len(*obs) != len(want) {
		t.Fatalf("told %+v, want %+v", *obs, want)
	}
	for i, w := range want {
		if got := (*obs)[i]; got.peer != w.peer || got.kind != w.kind || (got.err != nil) != w.failed || mms.IsPermanent(got.err) != w.permanent {
			t.Errorf("send %d told %+v, want %+v", i, got, w)
		}
	}
}
