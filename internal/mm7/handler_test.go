package mm7_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mm7"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

type side struct {
	st  *store.Store
	srv *httptest.Server
}

func newSide(t *testing.T, cfg mm7.Config, accounts ...vasp.Account) *side {
	t.Helper()
	st := storetest.SQLite(t)
	for _, a := range accounts {
		if err := st.AddAccount(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	path := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*,44*,12345"),
		RefuseUnroutable: []mms.Interface{mms.InterfaceMM7}})
	mux := http.NewServeMux()
	mm7.New(st, path, cfg, slog.New(slog.DiscardHandler)).Register(mux, "")
	s := &side{st: st, srv: httptest.NewServer(mux)}
	t.Cleanup(s.srv.Close)
	return s
}

func account(t *testing.T, name, password, senders string) vasp.Account {
	t.Helper()
	h, err := vasp.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	return vasp.Account{Name: name, PasswordHash: h, SenderMask: senders}
}

// golden is a request of ../mm7soap/testdata: its Content-Type and body.
func golden(t *testing.T, name string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "mm7soap", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	return strings.TrimPrefix(string(head), "Content-Type: "), body
}

// post sends a request as user (no credentials when user is "") and
// returns the HTTP status and body.
func (s *side) post(t *testing.T, user, pass, ct string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/mm7", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("SOAPAction", `""`)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// status reads StatusCode, MessageID and the operation element's name and
// namespace out of an answer, with encoding/xml rather than our reader.
func status(t *testing.T, b []byte) (code, messageID, op, ns string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	inBody := false
	var el string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("answer is not XML: %v\n%s", err, b)
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			if inBody && op == "" && tt.Name.Local != "Fault" && tt.Name.Local != "faultcode" {
				op, ns = tt.Name.Local, tt.Name.Space
			}
			if tt.Name.Local == "Body" {
				inBody = true
			}
			el = tt.Name.Local
		case xml.CharData:
			switch el {
			case "StatusCode":
				code = string(tt)
			case "MessageID":
				messageID = string(tt)
			}
		case xml.EndElement:
			el = ""
		}
	}
}

func xmllint(t *testing.T, docs ...[]byte) {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not installed (Debian libxml2-utils; .ci/run installs it): answers not checked by it")
		return
	}
	for i, doc := range docs {
		f := filepath.Join(t.TempDir(), "a.xml")
		os.WriteFile(f, doc, 0o600)
		if out, err := exec.Command(path, "--noout", f).CombinedOutput(); err != nil {
			t.Errorf("xmllint, answer %d: %v\n%s\n%s", i, err, out, doc)
		}
	}
}

// TestSubmitDialects: a SubmitReq in each dialect of the golden requests is
// taken from a VASP logged in with HTTP Basic, and answered in the
// request's own namespace with its MessageID.
func TestSubmitDialects(t *testing.T) {
	s := newSide(t, mm7.Config{}, account(t, "news", "secret", ""))
	var answers [][]byte
	for _, tt := range []struct{ file, code, ns string }{
		{"rel6-6.8.0.mm7", "1100", "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"}, // bob@example.com has no route
		{"rel5-5.3.0-prefixed.mm7", "1000", "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-3"},
		{"mixed-namespaces-no-start.mm7", "1000", "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-3"},
		{"ericsson-5.2.0.mm7", "1100", "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-0"},
	} {
		ct, body := golden(t, tt.file)
		code, answer, _ := s.post(t, "news", "secret", ct, body)
		got, id, op, ns := status(t, answer)
		if code != http.StatusOK || got != tt.code || op != "SubmitRsp" || ns != tt.ns || id == "" {
			t.Errorf("%s: HTTP %d, %s %s in %s, MessageID %q; want 200, %s SubmitRsp in %s", tt.file, code, got, op, ns, id, tt.code, tt.ns)
			continue
		}
		answers = append(answers, answer)
		m, err := s.st.Deliverable(context.Background(), mms.MessageID(id))
		if err != nil {
			t.Fatal(err)
		}
		if m.Origin != (mms.Origin{Interface: mms.InterfaceMM7, Account: "news"}) || len(m.Parts) == 0 || m.Recipients[0].Address != "+447778889999" {
			t.Errorf("%s: stored %+v with %d parts to %v", tt.file, m.Origin, len(m.Parts), m.Recipients)
		}
	}
	xmllint(t, answers...)
}

// TestSubmitRefusals: each refusal has its MM7 status, in a SubmitRsp for
// a well-formed operation and in a SOAP Fault (HTTP 500) for a request
// that cannot be understood; nothing is stored.
func TestSubmitRefusals(t *testing.T) {
	obs := &refusals{}
	s := newSide(t, mm7.Config{MaxMessage: 4 << 10, Observer: obs}, account(t, "news", "secret", "+4477*,12345"), account(t, "strict", "secret", "99999"))
	ct, body := golden(t, "rel5-5.3.0-prefixed.mm7")
	replace := func(old, new string) []byte { return bytes.Replace(body, []byte(old), []byte(new), 1) }
	var answers [][]byte
	for _, tt := range []struct {
		name, user string
		ct         string
		body       []byte
		http       int
		code       string
		why        mms.Refusal // what the metrics count it as
	}{
		{"a sender outside the masks", "strict", ct, body, 200, "2001", mms.RefusedSender},
		{"an address that is no number", "news", ct, replace("<mm7:Number>+447778889999</mm7:Number>", "<mm7:Number>+44 sales</mm7:Number>"), 200, "2002", mms.RefusedRecipient},
		{"only an e-mail recipient", "news", ct, replace("<mm7:To><mm7:Number>+447778889999</mm7:Number><mm7:Number displayOnly=\"true\">+447778889998</mm7:Number></mm7:To>",
			"<mm7:To><mm7:RFC2822Address>bob@example.com</mm7:RFC2822Address></mm7:To>"), 200, "2003", mms.RefusedRecipient},
		{"content that cannot be read", "news", ct, replace("Content-Transfer-Encoding: base64\r\n\r\nR0lG", "Content-Transfer-Encoding: base64\r\n\r\n!!!!"), 200, "2007", mms.RefusedMalformed},
		{"not XML", "news", "text/xml", []byte("<env:Envelope"), 500, "4004", mms.RefusedMalformed},
		{"version 7", "news", ct, replace("5.3.0", "7.0.0"), 500, "4002", mms.RefusedMalformed},
		{"too large", "news", ct, replace("Science news", strings.Repeat("x", 80<<10)), 500, "2004", mms.RefusedSize},
		{"a wrong password", "news", ct, body, 401, "", mms.RefusedAuth},
	} {
		pass := "secret"
		if tt.http == http.StatusUnauthorized {
			pass = "wrong"
		}
		before, _ := s.st.Messages(context.Background(), 100)
		code, answer, _ := s.post(t, tt.user, pass, tt.ct, tt.body)
		after, _ := s.st.Messages(context.Background(), 100)
		if why := obs.take(); !slices.Equal(why, []mms.Refusal{tt.why}) {
			t.Errorf("%s: told %v, want %v", tt.name, why, tt.why)
		}
		if code == http.StatusUnauthorized {
			continue
		}
		got, id, _, _ := status(t, answer)
		if code != tt.http || got != tt.code || id != "" || len(after) != len(before) {
			t.Errorf("%s: HTTP %d status %s MessageID %q, %d stored; want %d %s and nothing", tt.name, code, got, id,
				len(after)-len(before), tt.http, tt.code)
		}
		answers = append(answers, answer)
	}
	xmllint(t, answers...)
	if code, _, _ := s.post(t, "news", "secret", ct, body); code != 200 || len(obs.take()) != 0 {
		t.Errorf("a message accepted: HTTP %d, or told as a refusal", code)
	}
	s.st.Close()
	if code, answer, _ := s.post(t, "news", "secret", ct, body); code != 500 || !bytes.Contains(answer, []byte("<StatusCode>4006</StatusCode>")) {
		t.Errorf("accounts unreadable: HTTP %d %s, want a 4006 fault (the VASP retries)", code, answer)
	}
	if why := obs.take(); !slices.Equal(why, []mms.Refusal{mms.RefusedTemporary}) {
		t.Errorf("accounts unreadable: told %v, want temporary", why)
	}
}

// refusals records what an Observer is told.
type refusals struct {
	mu  sync.Mutex
	got []mms.Refusal
}

func (r *refusals) Refused(why mms.Refusal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, why)
}

func (r *refusals) take() []mms.Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// TestStoreTrouble: a message that cannot be stored is answered 3000, which
// invites the VASP to send it again. The accounts are read from a store
// that works, the message goes to one that is closed.
func TestStoreTrouble(t *testing.T) {
	accounts, messages := storetest.SQLite(t), storetest.SQLite(t)
	if err := accounts.AddAccount(context.Background(), account(t, "news", "secret", "")); err != nil {
		t.Fatal(err)
	}
	messages.Close()
	mux := http.NewServeMux()
	mm7.New(accounts, accept.New(messages, accept.Config{}), mm7.Config{}, slog.New(slog.DiscardHandler)).Register(mux, "")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	s := &side{st: accounts, srv: srv}
	ct, body := golden(t, "rel5-5.3.0-prefixed.mm7")
	if code, answer, _ := s.post(t, "news", "secret", ct, body); code != 200 || !bytes.Contains(answer, []byte("<StatusCode>3000</StatusCode>")) {
		t.Errorf("store trouble: HTTP %d %s, want a SubmitRsp with 3000", code, answer)
	}
}

// TestLogin: HTTP Basic against the VASP accounts, IP accounts without
// credentials, 401 with a challenge otherwise, and the failed-login
// throttle shared with MM4: a locked account still lets in the password
// its owner logged in with, and nothing else.
func TestLogin(t *testing.T) {
	gate := vasp.NewGate(vasp.NewThrottle(3, 60e9, nil), nil)
	s := newSide(t, mm7.Config{Logins: gate}, account(t, "news", "secret", ""), vasp.Account{Name: "127.0.0.1"})
	ct, body := golden(t, "rel5-5.3.0-prefixed.mm7")
	if code, answer, _ := s.post(t, "", "", ct, body); code != 200 || !bytes.Contains(answer, []byte("<StatusCode>1000<")) {
		t.Errorf("IP account: HTTP %d %s", code, answer)
	}
	if code, _, _ := s.post(t, "news", "secret", ct, body); code != 200 {
		t.Errorf("the owner: HTTP %d, want 200", code)
	}
	for i := range 3 {
		code, _, h := s.post(t, "news", "wrong", ct, body)
		if code != http.StatusUnauthorized || h.Get("WWW-Authenticate") != `Basic realm="mmsc"` {
			t.Errorf("wrong password %d: HTTP %d, challenge %q", i, code, h.Get("WWW-Authenticate"))
		}
	}
	if code, _, _ := s.post(t, "news", "guess", ct, body); code != http.StatusUnauthorized {
		t.Errorf("a guess after three wrong ones: HTTP %d, want 401", code)
	}
	if code, _, _ := s.post(t, "news", "secret", ct, body); code != 200 {
		t.Errorf("the owner after three wrong ones: HTTP %d, want 200", code)
	}
}

// TestServiceKept: what a SubmitReq says of its service is kept with the
// message; a LinkedID must name a message of ours.
func TestServiceKept(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	if err := st.AddAccount(ctx, account(t, "news", "secret", "")); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	path := accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*")})
	mm7.New(st, path, mm7.Config{Linked: st}, slog.New(slog.DiscardHandler)).Register(mux, "")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	s := &side{st: st, srv: srv}
	ct, body := golden(t, "rel6-6.8.0.mm7") // LinkedID link-7, no such message
	if _, answer, _ := s.post(t, "news", "secret", ct, body); !bytes.Contains(answer, []byte("<StatusCode>2006</StatusCode>")) {
		t.Errorf("an unknown LinkedID: %s, want 2006", answer)
	}
	earlier := &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM1}, Raw: []byte("x"), Recipients: []mms.Recipient{{Address: "+447700900001"}}}
	id, err := path.Accept(ctx, earlier)
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte("<LinkedID>link-7</LinkedID>"), []byte("<LinkedID>"+string(id)+"</LinkedID>"), 1)
	_, answer, _ := s.post(t, "news", "secret", ct, body)
	_, mid, _, _ := status(t, answer)
	m, err := st.Head(ctx, mms.MessageID(mid))
	if err != nil {
		t.Fatalf("%v: %s", err, answer)
	}
	want := mms.Service{VASPID: "news", VASID: "daily", ServiceCode: "news-1", LinkedID: string(id), ChargedParty: "Sender",
		NoDistribution: true}
	if m.Service != want {
		t.Errorf("service %+v, want %+v", m.Service, want)
	}
}
