package mm1_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/store"
)

type fixture struct {
	st  *store.Store
	srv *httptest.Server
	msg *mms.Message
	now time.Time
}

// setup stores one message for two local handsets and serves MM1 over it.
func setup(t *testing.T) *fixture {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, now: time.Now().Truncate(time.Millisecond)}
	f.msg = &mms.Message{
		From: "+447700900123/TYPE=PLMN@mms.example.net", To: []string{"+447700900456/TYPE=PLMN@mms.example.net"},
		Subject: "Saturn", MessageClass: "Personal", Date: f.now.Add(-time.Minute), ReadReply: true,
		ContentType: `multipart/related; start="<smil>"; type="application/smil"`,
		Recipients:  []mms.Recipient{{Address: "+447700900456"}, {Address: "+447700900789"}},
		Parts: []mms.Part{
			{ContentType: "application/smil", ContentID: "<smil>", ContentLocation: "s.smil", Data: []byte("<smil><body><par><img src=\"saturn.jpg\"/></par></body></smil>")},
			{ContentType: "text/plain; charset=utf-8", ContentLocation: "t.txt", Data: []byte("Grüße vom Saturn")},
			{ContentType: "image/jpeg", Name: "saturn.jpg", Data: bytes.Repeat([]byte{0xff, 0xd8, 0x00, 0x7f}, 5000)},
		},
		Raw: []byte("raw"),
	}
	r := accept.New(st, accept.Config{Now: func() time.Time { return f.now }, Retain: 24 * time.Hour})
	if _, err := r.Accept(context.Background(), f.msg); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mm1.New(st, delivery.NewHandsets(st), mm1.Config{MSISDNHeaders: []string{"X-MSISDN"}, Now: func() time.Time { return f.now }}, log).Register(mux, "")
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) state(t *testing.T, i int) mms.Delivery {
	t.Helper()
	d, err := f.st.DeliveryByToken(context.Background(), f.msg.Recipients[i].Token)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// waitState waits until recipient i is in state want.
func (f *fixture) waitState(t *testing.T, i int, want mms.State) {
	t.Helper()
	var d mms.Delivery
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if d = f.state(t, i); d.State == want {
			return
		}
	}
	t.Errorf("recipient %d: state %s, want %s", i, d.State, want)
}

func (f *fixture) do(t *testing.T, method, path string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestRetrieve(t *testing.T) {
	f := setup(t)
	rc := f.msg.Recipients[0]
	path := "/mms/" + rc.Token

	for _, tt := range []struct {
		name   string
		path   string
		header []string
		status int
	}{
		{"unknown token", "/mms/aaaaaaaaaaaaaaaaaaaaaaaaaa", nil, http.StatusNotFound},
		{"another subscriber's MSISDN", path, []string{"X-MSISDN", "+447700900789"}, http.StatusForbidden},
		{"the MSISDN header twice", path, []string{"X-MSISDN", "+447700900456", "X-MSISDN", "+447700900789"}, http.StatusBadRequest},
	} {
		if resp, _ := f.do(t, http.MethodGet, tt.path, nil, tt.header...); resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
	}
	if d := f.state(t, 0); d.State != mms.StateQueued {
		t.Fatalf("refused fetches changed the state to %s", d.State)
	}

	head, body := f.do(t, http.MethodHead, path, nil)
	if head.StatusCode != http.StatusOK || len(body) != 0 || head.Header.Get("Content-Type") != "application/vnd.wap.mms-message" {
		t.Fatalf("HEAD: status %d, %d body bytes, type %q", head.StatusCode, len(body), head.Header.Get("Content-Type"))
	}
	if d := f.state(t, 0); d.State != mms.StateQueued {
		t.Errorf("HEAD changed the state to %s", d.State)
	}

	// The gateway may write the number without "+": still the recipient.
	resp, body := f.do(t, http.MethodGet, path, nil, "X-MSISDN", "447700900456")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: status %d: %s", resp.StatusCode, body)
	}
	if n, _ := strconv.Atoi(head.Header.Get("Content-Length")); n != len(body) {
		t.Errorf("HEAD Content-Length %d, GET body %d bytes", n, len(body))
	}
	p, err := mmsenc.Decode(body)
	if err != nil {
		t.Fatalf("decode m-retrieve-conf: %v", err)
	}
	mt, params, err := mime.ParseMediaType(p.ContentType)
	if err != nil {
		t.Fatalf("content type %q: %v", p.ContentType, err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"type", p.Type, mmsenc.RetrieveConf},
		{"transaction id", p.TransactionID, rc.TransactionID},
		{"message id", p.MessageID, string(f.msg.ID)},
		{"date", p.Date.Unix(), f.msg.Date.Unix()},
		{"from", p.From, "+447700900123/TYPE=PLMN"},
		{"to", len(p.To) == 1 && p.To[0] == "+447700900456/TYPE=PLMN", true},
		{"subject", p.Subject, "Saturn"},
		{"class", p.MessageClass, "Personal"},
		{"read report", p.ReadReport != nil && *p.ReadReport, true},
		{"content type", mt, "application/vnd.wap.multipart.related"},
		{"start", params["start"], "<smil>"},
		{"start type", params["type"], "application/smil"},
		{"parts", len(p.Parts), len(f.msg.Parts)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("m-retrieve-conf %s = %v, want %v", c.what, c.got, c.want)
		}
	}
	for i := range min(len(p.Parts), len(f.msg.Parts)) {
		if !bytes.Equal(p.Parts[i].Data, f.msg.Parts[i].Data) {
			t.Errorf("part %d: %d bytes differ from the %d submitted", i, len(p.Parts[i].Data), len(f.msg.Parts[i].Data))
		}
	}
	if len(p.Parts) == 3 {
		if p.Parts[2].ContentLocation != "saturn.jpg" {
			t.Errorf("part without Content-Location: got %q, want its file name", p.Parts[2].ContentLocation)
		}
		if mt, params, _ := mime.ParseMediaType(p.Parts[2].ContentType); mt != "image/jpeg" || params["name"] != "saturn.jpg" {
			t.Errorf("image part type %q, want image/jpeg with name", p.Parts[2].ContentType)
		}
	}
	// The handler records the fetch after the last byte has gone out, so
	// the client can see the body a moment before the record.
	f.waitState(t, 0, mms.StateRetrieved)
	// Fetching again works (the handset lost it); the other recipient is untouched.
	if resp, _ := f.do(t, http.MethodGet, path, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("second GET: status %d", resp.StatusCode)
	}
	if d := f.state(t, 1); d.State != mms.StateQueued {
		t.Errorf("other recipient: state %s, want queued", d.State)
	}
}

// Every answer under /mms, the PDU and each refusal alike, forbids a
// browser to sniff it into something it can run.
func TestAnswersNotSniffed(t *testing.T) {
	f := setup(t)
	path := "/mms/" + f.msg.Recipients[0].Token
	for _, tt := range []struct {
		name, method, path string
		status             int
	}{
		{"retrieval", http.MethodGet, path, http.StatusOK},
		{"unknown token", http.MethodGet, "/mms/aaaaaaaaaaaaaaaaaaaaaaaaaa", http.StatusNotFound},
		{"garbage answer", http.MethodPost, "/mms", http.StatusBadRequest},
	} {
		resp, _ := f.do(t, tt.method, tt.path, []byte("<html>"))
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tt.name, got)
		}
	}
}

// A SMIL part without a Content-ID still starts the multipart/related: it
// gets one from its Content-Location, and start names it.
func TestRetrieveConfSMILWithoutContentID(t *testing.T) {
	m := &mms.Message{ID: "m1", Received: time.Now(), Parts: []mms.Part{
		{ContentType: "application/smil", ContentLocation: "pres.smil", Data: []byte("<smil/>")},
		{ContentType: "text/plain", ContentLocation: "t.txt", Data: []byte("hi")},
	}, Recipients: []mms.Recipient{{Address: "+447700900456"}}}
	b, err := mmsenc.Encode(mm1.RetrieveConf(m, "tid"))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	p, err := mmsenc.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(p.ContentType)
	if params["start"] != "<pres.smil>" || p.Parts[0].ContentID != "<pres.smil>" {
		t.Errorf("start %q, SMIL Content-ID %q; want both <pres.smil>", params["start"], p.Parts[0].ContentID)
	}
}

// A Multimedia WAP Push recipient's token opens its page, not an
// m-retrieve-conf: the sender chose a browser for it.
func TestRetrieveOnlyHandsetTokens(t *testing.T) {
	f := setup(t)
	m := &mms.Message{From: "+447700900123", Raw: []byte("raw"), ContentType: "text/plain",
		Parts:      []mms.Part{{ContentType: "text/plain", Data: []byte("hi")}},
		Recipients: []mms.Recipient{{Address: "+447700900999", Route: mms.RouteWAPPush}}}
	if _, err := accept.New(f.st, accept.Config{Now: func() time.Time { return f.now }}).Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if m.Recipients[0].Token == "" {
		t.Fatal("the WAP Push recipient has no token")
	}
	resp, body := f.do(t, http.MethodGet, "/mms/"+m.Recipients[0].Token, nil, "X-MSISDN", "+447700900999")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET of a WAP Push recipient's token: %d (%d bytes), want 404", resp.StatusCode, len(body))
	}
}

func TestRetrieveExpired(t *testing.T) {
	f := setup(t)
	f.now = f.now.Add(25 * time.Hour) // retention is 24 h
	if resp, _ := f.do(t, http.MethodGet, "/mms/"+f.msg.Recipients[0].Token, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("expired: status %d, want 404", resp.StatusCode)
	}
}

func encode(t *testing.T, p *mmsenc.PDU) []byte {
	t.Helper()
	b, err := mmsenc.Encode(p)
	if err != nil {
		t.Fatalf("encode %v: %v", p.Type, err)
	}
	return b
}

func TestHandsetAnswers(t *testing.T) {
	f := setup(t)
	tid0, tid1 := f.msg.Recipients[0].TransactionID, f.msg.Recipients[1].TransactionID
	const me, other = "+447700900456", "+447700900789" // recipients 0 and 1
	tests := []struct {
		name   string
		msisdn string // "": me
		body   []byte
		status int
		want   [2]mms.State
	}{
		{"an answer from another subscriber", other,
			encode(t, &mmsenc.PDU{Type: mmsenc.NotifyRespInd, TransactionID: tid0, Status: 0x82}),
			http.StatusForbidden, [2]mms.State{mms.StateQueued, mms.StateQueued}},
		{"an acknowledgement from another subscriber", other,
			encode(t, &mmsenc.PDU{Type: mmsenc.AcknowledgeInd, TransactionID: tid0}),
			http.StatusForbidden, [2]mms.State{mms.StateQueued, mms.StateQueued}},
		{"garbage", "", []byte("hello"), http.StatusBadRequest, [2]mms.State{mms.StateQueued, mms.StateQueued}},
		{"unknown transaction", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.NotifyRespInd, TransactionID: "nope", Status: 0x81}),
			http.StatusBadRequest, [2]mms.State{mms.StateQueued, mms.StateQueued}},
		{"a PDU handsets do not post", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.DeliveryInd, MessageID: string(f.msg.ID), To: []string{"+447700900123/TYPE=PLMN"}, Date: f.now, Status: 0x81}),
			http.StatusBadRequest, [2]mms.State{mms.StateQueued, mms.StateQueued}},
		{"deferred", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.NotifyRespInd, TransactionID: tid0, Status: 0x83}),
			http.StatusNoContent, [2]mms.State{mms.StateDeferred, mms.StateQueued}},
		{"rejected", other,
			encode(t, &mmsenc.PDU{Type: mmsenc.NotifyRespInd, TransactionID: tid1, Status: 0x82}),
			http.StatusNoContent, [2]mms.State{mms.StateDeferred, mms.StateRejected}},
		{"acknowledged after deferring", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.AcknowledgeInd, TransactionID: tid0}),
			http.StatusNoContent, [2]mms.State{mms.StateRetrieved, mms.StateRejected}},
		{"a late answer does not undo a final state", other,
			encode(t, &mmsenc.PDU{Type: mmsenc.NotifyRespInd, TransactionID: tid1, Status: 0x81}),
			http.StatusNoContent, [2]mms.State{mms.StateRetrieved, mms.StateRejected}},
		{"read report", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.ReadRecInd, MessageID: string(f.msg.ID), To: []string{"+447700900123/TYPE=PLMN"},
				FromInsert: true, Date: f.now, ReadStatus: 0x80}),
			http.StatusNoContent, [2]mms.State{mms.StateRetrieved, mms.StateRejected}},
		{"read report for an unknown message", "",
			encode(t, &mmsenc.PDU{Type: mmsenc.ReadRecInd, MessageID: "unknown", To: []string{"+447700900123/TYPE=PLMN"},
				FromInsert: true, Date: f.now, ReadStatus: 0x80}),
			http.StatusBadRequest, [2]mms.State{mms.StateRetrieved, mms.StateRejected}},
	}
	for _, tt := range tests {
		msisdn := tt.msisdn
		if msisdn == "" {
			msisdn = me
		}
		resp, body := f.do(t, http.MethodPost, "/mms", tt.body, "X-MSISDN", msisdn)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d (%s), want %d", tt.name, resp.StatusCode, bytes.TrimSpace(body), tt.status)
		}
		for i, want := range tt.want {
			if d := f.state(t, i); d.State != want {
				t.Errorf("%s: recipient %d state %s, want %s", tt.name, i, d.State, want)
			}
		}
	}
	if d := f.state(t, 0); !d.NextAttempt.Equal(f.now) {
		t.Errorf("retrieved recipient next attempt %v, want %v", d.NextAttempt, f.now)
	}
}

// TestReadReports: an m-read-rec-ind counts only from a recipient of the
// message, named by the gateway's MSISDN header or else by its From, and
// once per recipient however often it is sent.
func TestReadReports(t *testing.T) {
	f := setup(t)
	const me, other, stranger = "+447700900456", "+447700900789", "+447700900999"
	report := func(from string) []byte {
		p := &mmsenc.PDU{Type: mmsenc.ReadRecInd, MessageID: string(f.msg.ID), To: []string{"+447700900123/TYPE=PLMN"},
			Date: f.now, ReadStatus: 0x80}
		if from == "" {
			p.FromInsert = true
		} else {
			p.From = from + "/TYPE=PLMN"
		}
		return encode(t, p)
	}
	tests := []struct {
		name   string
		msisdn string // "": no MSISDN header
		from   string // "": the handset leaves From to the MMSC
		times  int
		status int
		about  []string // the read reports owed to the originator afterwards
	}{
		{"a stranger", stranger, "", 1, http.StatusForbidden, nil},
		{"a stranger who claims a recipient's From", stranger, me, 1, http.StatusForbidden, nil},
		{"a stranger's From without a gateway", "", stranger, 1, http.StatusForbidden, nil},
		{"no reader at all", "", "", 1, http.StatusBadRequest, nil},
		{"a recipient, 50 times", me, "", 50, http.StatusNoContent, []string{me}},
		{"the other recipient, by From", "", other, 3, http.StatusNoContent, []string{me, other}},
	}
	for _, tt := range tests {
		var header []string
		if tt.msisdn != "" {
			header = []string{"X-MSISDN", tt.msisdn}
		}
		for range tt.times {
			resp, body := f.do(t, http.MethodPost, "/mms", report(tt.from), header...)
			if resp.StatusCode != tt.status {
				t.Errorf("%s: status %d (%s), want %d", tt.name, resp.StatusCode, bytes.TrimSpace(body), tt.status)
				break
			}
		}
		owed, err := f.st.Outbox().ForMessage(context.Background(), f.msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		var about []string
		for _, o := range owed {
			if o.Report.Kind == mms.ReportRead {
				about = append(about, o.Report.About)
			}
		}
		slices.Sort(about)
		if !slices.Equal(about, tt.about) {
			t.Errorf("%s: read reports owed about %v, want %v", tt.name, about, tt.about)
		}
	}
}

// Two MSISDN headers the gateway is known to set must agree: a request
// whose headers name different numbers is refused, whatever it asks.
func TestMSISDNHeadersDisagree(t *testing.T) {
	f := setup(t)
	mux := http.NewServeMux()
	cfg := mm1.Config{MSISDNHeaders: []string{"X-MSISDN", "X-WAP-Network-Client-MSISDN"}, Now: func() time.Time { return f.now }}
	mm1.New(f.st, delivery.NewHandsets(f.st), cfg, slog.New(slog.DiscardHandler)).Register(mux, "")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f.srv = srv
	path := "/mms/" + f.msg.Recipients[0].Token
	for _, tt := range []struct {
		name   string
		header []string
		status int
	}{
		{"agree", []string{"X-MSISDN", "+447700900456", "X-WAP-Network-Client-MSISDN", "447700900456"}, http.StatusOK},
		{"disagree", []string{"X-MSISDN", "+447700900456", "X-WAP-Network-Client-MSISDN", "+447700900789"}, http.StatusBadRequest},
	} {
		if resp, body := f.do(t, http.MethodHead, path, nil, tt.header...); resp.StatusCode != tt.status {
			t.Errorf("%s: status %d (%s), want %d", tt.name, resp.StatusCode, body, tt.status)
		}
	}
	ack := encode(t, &mmsenc.PDU{Type: mmsenc.AcknowledgeInd, TransactionID: f.msg.Recipients[0].TransactionID})
	if resp, _ := f.do(t, http.MethodPost, "/mms", ack, "X-MSISDN", "+447700900456", "X-WAP-Network-Client-MSISDN", "+447700900789"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("acknowledgement with disagreeing headers: status %d, want 400", resp.StatusCode)
	}
	if d := f.state(t, 0); d.State != mms.StateQueued {
		t.Errorf("refused requests changed the state to %s", d.State)
	}
}

// A public URL with a path serves handsets under that path.
func TestRegisterUnderPrefix(t *testing.T) {
	f := setup(t)
	mux := http.NewServeMux()
	mm1.New(f.st, delivery.NewHandsets(f.st), mm1.Config{Now: func() time.Time { return f.now }}, slog.New(slog.DiscardHandler)).Register(mux, "/mmsc/")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]int{
		"/mmsc/mms/" + f.msg.Recipients[0].Token: http.StatusOK,
		"/mms/" + f.msg.Recipients[0].Token:      http.StatusNotFound,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
