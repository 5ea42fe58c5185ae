package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

const token = "0123456789abcdef0123456789abcdef"

// fixture is the admin edge over a real store and a real (idle) delivery
// engine.
type fixture struct {
	st  *store.Store
	srv *httptest.Server
	in  *accept.Path
}

func setup(t *testing.T) *fixture {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st := storetest.SQLite(t)
	engine := delivery.New(st, st.Outbox(), delivery.Transports{}, delivery.Config{}, log)
	a := admin.New(admin.Backend{Messages: st, Outbox: st.Outbox(), Accounts: st, Routes: st, Recipients: engine,
		Ready: st.Writable, SMSC: func() bool { return false }},
		admin.Config{Token: token, Throttle: vasp.NewThrottle(5, time.Minute, nil)}, log)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &fixture{st: st, srv: srv, in: accept.New(st, accept.Config{})}
}

// call makes a request with the token (auth "" = none) and returns the
// status and the body decoded as JSON into out (when not nil).
func (f *fixture) call(t *testing.T, method, path, auth, body string, out any) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNoContent && path != "/healthz" && ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	if resp.StatusCode >= 400 && path != "/healthz" {
		var e struct{ Error string }
		if json.Unmarshal(b, &e); e.Error == "" {
			t.Errorf("%s %s: %d without {\"error\": ...}: %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, resp.Header
}

func TestAuth(t *testing.T) {
	f := setup(t)
	tests := []struct {
		name, path, auth string
		want             int
	}{
		{"health needs no token", "/healthz", "", 200},
		{"readiness needs no token", "/readyz", "", 200},
		{"the API does", "/api/v1/vasps", "", 401},
		{"a wrong token", "/api/v1/vasps", "nope", 401},
		{"the token", "/api/v1/vasps", token, 200},
		{"metrics are not configured here", "/metrics", token, 404},
	}
	for _, tt := range tests {
		if got, h := f.call(t, "GET", tt.path, tt.auth, "", nil); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		} else if got == 401 && h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tt.name)
		}
	}
	// Two wrong tokens so far; three more lock the address out...
	for range 3 {
		f.call(t, "GET", "/api/v1/vasps", "guess", "", nil)
	}
	if got, h := f.call(t, "GET", "/api/v1/vasps", "guess", "", nil); got != 429 || h.Get("Retry-After") == "" {
		t.Errorf("after 5 wrong tokens: %d (Retry-After %q), want 429 with Retry-After", got, h.Get("Retry-After"))
	}
	// ... but never the operator.
	if got, _ := f.call(t, "GET", "/api/v1/vasps", token, "", nil); got != 200 {
		t.Errorf("the right token from a locked-out address: %d, want 200", got)
	}
}

func TestVASPs(t *testing.T) {
	f := setup(t)
	var v admin.VASP
	steps := []struct {
		name, method, path, body string
		want                     int
	}{
		{"create", "POST", "/api/v1/vasps", `{"name":"acme","password":"s3cret","sender":"+4477*","max_rate":5,"max_connections":100}`, 201},
		{"create again", "POST", "/api/v1/vasps", `{"name":"acme","password":"x"}`, 409},
		{"no name", "POST", "/api/v1/vasps", `{"password":"x"}`, 400},
		{"bad JSON", "POST", "/api/v1/vasps", `{"name":`, 400},
		{"a field that does not exist", "POST", "/api/v1/vasps", `{"name":"b","pasword":"x"}`, 400},
		{"invalid: a bad allow list", "POST", "/api/v1/vasps", `{"name":"b","password":"x","allow_ip":"10.1.2.300"}`, 422},
		{"get", "GET", "/api/v1/vasps/acme", "", 200},
		{"get unknown", "GET", "/api/v1/vasps/nobody", "", 404},
		{"change the sender masks", "PATCH", "/api/v1/vasps/acme", `{"sender":"+4478*"}`, 200},
		{"change the connection limit", "PATCH", "/api/v1/vasps/acme", `{"max_connections":60}`, 200},
		{"invalid: a negative connection limit", "PATCH", "/api/v1/vasps/acme", `{"max_connections":-1}`, 422},
		{"rename", "PATCH", "/api/v1/vasps/acme", `{"name":"other"}`, 400},
		{"change unknown", "PATCH", "/api/v1/vasps/nobody", `{"sender":"+1*"}`, 404},
		{"delete unknown", "DELETE", "/api/v1/vasps/nobody", "", 404},
	}
	for _, s := range steps {
		v = admin.VASP{}
		if got, _ := f.call(t, s.method, s.path, token, s.body, &v); got != s.want {
			t.Errorf("%s: %d, want %d", s.name, got, s.want)
		}
	}
	acc, err := f.st.Account(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if acc.SenderMask != "+4478*" || acc.MaxRate != 5 || acc.MaxConnections != 60 || acc.Admit("s3cret", netip.MustParseAddr("127.0.0.1"), nil) != nil {
		t.Errorf("stored: sender %q, rate %d, connections %d, password kept: %v", acc.SenderMask, acc.MaxRate, acc.MaxConnections, acc.Admit("s3cret", netip.MustParseAddr("127.0.0.1"), nil))
	}
	if f.call(t, "GET", "/api/v1/vasps/acme", token, "", &v); v.MaxConns != 60 {
		t.Errorf("shown: %+v, want max_connections 60", v)
	}
	var list []map[string]any
	f.call(t, "GET", "/api/v1/vasps", token, "", &list)
	if len(list) != 1 || list[0]["name"] != "acme" || list[0]["has_password"] != true {
		t.Errorf("list: %v", list)
	}
	for k := range list[0] {
		if strings.Contains(k, "password") && k != "has_password" || strings.Contains(k, "hash") {
			t.Errorf("list shows %q", k)
		}
	}
	if got, _ := f.call(t, "DELETE", "/api/v1/vasps/acme", token, "", nil); got != 204 {
		t.Errorf("delete: %d, want 204", got)
	}
	if _, err := f.st.Account(context.Background(), "acme"); err == nil {
		t.Error("the account is still there")
	}
}

func TestRoutes(t *testing.T) {
	f := setup(t)
	steps := []struct {
		name, method, path, body string
		want                     int
	}{
		{"an MM4 peer", "POST", "/api/v1/routes", `{"name":"pl","kind":"mm4","match":"+48*","host":"mmsc.pl.example:25","domain":"mms.pl.example"}`, 201},
		{"the default", "POST", "/api/v1/routes", `{"name":"rest","kind":"reject","default":true}`, 201},
		{"a second default", "POST", "/api/v1/routes", `{"name":"rest2","kind":"reject","default":true}`, 409},
		{"invalid: an MM4 peer without a host", "POST", "/api/v1/routes", `{"name":"de","kind":"mm4","match":"+49*"}`, 422},
		{"get", "GET", "/api/v1/routes/pl", "", 200},
		{"get unknown", "GET", "/api/v1/routes/xx", "", 404},
		{"move the peer", "PATCH", "/api/v1/routes/pl", `{"host":"mmsc2.pl.example:25"}`, 200},
		{"make the peer the second default", "PATCH", "/api/v1/routes/pl", `{"default":true}`, 409},
		{"delete", "DELETE", "/api/v1/routes/rest", "", 204},
		{"delete again", "DELETE", "/api/v1/routes/rest", "", 404},
	}
	for _, s := range steps {
		if got, _ := f.call(t, s.method, s.path, token, s.body, nil); got != s.want {
			t.Errorf("%s: %d, want %d", s.name, got, s.want)
		}
	}
	table, err := f.st.Routes(context.Background())
	if err != nil || len(table) != 1 || table[0].Host != "mmsc2.pl.example:25" {
		t.Errorf("stored routes: %+v, %v", table, err)
	}
}

func TestMessages(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var ids []mms.MessageID
	for i, who := range []string{"acme", "news", "acme"} {
		id, err := f.in.Accept(ctx, &mms.Message{Raw: []byte("x"), Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: who},
			From: "+447700900123/TYPE=PLMN", Subject: "n" + string(rune('0'+i)),
			Recipients: []mms.Recipient{{Address: "+447700900456"}, {Address: "+447700900789"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		time.Sleep(2 * time.Millisecond) // distinct receipt times
	}
	var page struct {
		Messages []admin.Message
		Next     string
	}
	list := func(query string) []string {
		t.Helper()
		page.Messages, page.Next = nil, ""
		if got, _ := f.call(t, "GET", "/api/v1/messages"+query, token, "", &page); got != 200 {
			t.Fatalf("GET messages%s: %d", query, got)
		}
		var l []string
		for _, m := range page.Messages {
			l = append(l, m.ID)
		}
		return l
	}
	if got := list("?vasp=acme"); len(got) != 2 || got[0] != string(ids[2]) || got[1] != string(ids[0]) {
		t.Errorf("vasp=acme: %v", got)
	}
	if got := list("?limit=2"); len(got) != 2 || page.Next == "" {
		t.Errorf("limit=2: %v, next %q", got, page.Next)
	}
	if got := list("?limit=2&cursor=" + page.Next); len(got) != 1 || got[0] != string(ids[0]) {
		t.Errorf("the second page: %v", got)
	}
	if got := list("?number=447700900789&state=queued"); len(got) != 3 {
		t.Errorf("by number and state: %v", got)
	}
	for _, q := range []string{"?state=lost", "?since=yesterday", "?limit=0", "?limit=x", "?cursor=bm9wZQ"} {
		if got, _ := f.call(t, "GET", "/api/v1/messages"+q, token, "", nil); got != 400 {
			t.Errorf("GET messages%s: %d, want 400", q, got)
		}
	}

	var m admin.Message
	base := "/api/v1/messages/" + string(ids[1])
	if got, _ := f.call(t, "GET", base, token, "", &m); got != 200 || m.VASP != "news" || len(m.Recipients) != 2 {
		t.Errorf("GET %s: %d, %+v", base, got, m)
	}
	if got, _ := f.call(t, "GET", "/api/v1/messages/nope", token, "", nil); got != 404 {
		t.Errorf("GET an unknown message: %d, want 404", got)
	}
	steps := []struct {
		name, path string
		want       int
		state      string // of recipient +447700900789 afterwards
	}{
		{"cancel", base + "/recipients/+447700900789/cancel", 200, "cancelled"},
		{"cancel again", base + "/recipients/+447700900789/cancel", 409, "cancelled"},
		{"resend", base + "/recipients/+447700900789/resend", 200, "queued"},
		{"resend to a stranger", base + "/recipients/+10000000000/resend", 404, "queued"},
		{"cancel in no message", "/api/v1/messages/nope/recipients/+447700900789/cancel", 404, "queued"},
	}
	for _, s := range steps {
		if got, _ := f.call(t, "POST", s.path, token, "", nil); got != s.want {
			t.Errorf("%s: %d, want %d", s.name, got, s.want)
		}
		m = admin.Message{}
		f.call(t, "GET", base, token, "", &m)
		for _, r := range m.Recipients {
			if r.Address == "+447700900789" && r.State != s.state {
				t.Errorf("%s: recipient %s, want %s", s.name, r.State, s.state)
			}
		}
	}

	// The recipient's history: accepted, cancelled, resent, in order.
	m = admin.Message{}
	f.call(t, "GET", base, token, "", &m)
	var kinds []string
	for _, r := range m.Recipients {
		if r.Address == "+447700900789" {
			for _, e := range r.History {
				kinds = append(kinds, e.Kind)
			}
		}
	}
	if got := strings.Join(kinds, " "); got != "accepted cancelled resent" {
		t.Errorf("history %q, want \"accepted cancelled resent\"", got)
	}

	var st map[string]any
	if got, _ := f.call(t, "GET", "/api/v1/stats", token, "", &st); got != 200 {
		t.Fatalf("stats: %d", got)
	}
	if rc := st["recipients"].(map[string]any); rc["queued"] != float64(6) || st["received_last_minute"] != float64(3) {
		t.Errorf("stats: %v", st)
	}
}

func TestUnknownEndpoint(t *testing.T) {
	f := setup(t)
	for _, p := range []string{"/api/v1/nothing", "/api/v2/vasps"} {
		if got, _ := f.call(t, "GET", p, token, "", nil); got != 404 {
			t.Errorf("GET %s: %d, want 404", p, got)
		}
	}
	if got, _ := f.call(t, "PUT", "/api/v1/vasps/acme", token, "{}", nil); got != 405 && got != 404 {
		t.Errorf("PUT a VASP: %d, want 405", got)
	}
}

// The console's forms need the session's CSRF field and no foreign
// Origin; its pages need a session, which only the token gives.
func TestConsoleSessionAndCSRF(t *testing.T) {
	f := setup(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp, _ := client.Get(f.srv.URL + "/vasps"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("without a session: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := post("/login", url.Values{"token": {"wrong"}}, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with a wrong token: %d, want 401", resp.StatusCode)
	}
	if resp := post("/login", url.Values{"token": {token}}, ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", resp.StatusCode)
	}
	resp, err := client.Get(f.srv.URL + "/vasps")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the page: %s", page)
	}
	csrf := string(m[1])
	tests := []struct {
		name   string
		form   url.Values
		origin string
		want   int
	}{
		{"no CSRF field", url.Values{"name": {"a1"}, "password": {"pw"}}, "", http.StatusForbidden},
		{"a wrong CSRF field", url.Values{"name": {"a1"}, "password": {"pw"}, "csrf": {"x"}}, "", http.StatusForbidden},
		{"from another site", url.Values{"name": {"a1"}, "password": {"pw"}, "csrf": {csrf}}, "http://evil.example", http.StatusForbidden},
		{"the form", url.Values{"name": {"a1"}, "password": {"pw"}, "max_connections": {"60"}, "csrf": {csrf}}, f.srv.URL, http.StatusSeeOther},
		{"the form again: a clash", url.Values{"name": {"a1"}, "password": {"pw"}, "csrf": {csrf}}, "", http.StatusConflict},
		{"an invalid account", url.Values{"name": {"a2"}, "password": {"pw"}, "allow_ip": {"300.1.1.1"}, "csrf": {csrf}}, "", http.StatusUnprocessableEntity},
		{"a connection limit that is no number", url.Values{"name": {"a2"}, "password": {"pw"}, "max_connections": {"lots"}, "csrf": {csrf}}, "", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		if resp := post("/vasps", tt.form, tt.origin); resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	if a, err := f.st.Account(context.Background(), "a1"); err != nil || a.MaxConnections != 60 {
		t.Errorf("the form's account: %+v, %v; want max connections 60", a, err)
	}
	if _, err := f.st.Account(context.Background(), "a2"); err == nil {
		t.Error("the invalid account was stored")
	}
}
