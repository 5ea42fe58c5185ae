package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/admin"
)

// TestAdminListener: with no token configured, serve makes one into the
// data dir for its owner alone; the API answers with it only; an account
// added through the API is the CLI's too; a message submitted over MM4 is
// found by its recipient's number.
func TestAdminListener(t *testing.T) {
	path, dataDir := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	addrs := serveInProcess(t, path)
	base := "http://" + addrs["admin"]
	if addrs["admin"] == "" || addrs["admin"] == addrs["HTTP"] {
		t.Fatalf("admin listener %q (HTTP %q)", addrs["admin"], addrs["HTTP"])
	}
	tokenFile := filepath.Join(dataDir, admin.TokenFile)
	fi, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %o, want 600", tokenFile, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(tokenFile)
	token := strings.TrimSpace(string(b))
	if len(token) != 64 {
		t.Fatalf("token %q: want 64 hex digits", token)
	}

	do := func(method, url, auth, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	for _, tt := range []struct {
		url, auth string
		want      int
	}{
		{base + "/healthz", "", 200},
		{base + "/readyz", "", 200},
		{base + "/api/v1/vasps", "", 401},
		{base + "/api/v1/vasps", token, 200},
		// Nothing administrative on the listener handsets and VASPs reach.
		{"http://" + addrs["HTTP"] + "/api/v1/vasps", token, 404},
	} {
		if got, body := do("GET", tt.url, tt.auth, ""); got != tt.want {
			t.Errorf("GET %s: %d (%s), want %d", tt.url, got, body, tt.want)
		}
	}

	if got, body := do("POST", base+"/api/v1/vasps", token, `{"name":"acme","password":"s3cret-pw","sender":"+4477*"}`); got != 201 {
		t.Fatalf("POST vasps: %d %s", got, body)
	}
	out, err := mmsc(t, "", "vasp", "list", "-config", path)
	if err != nil || !strings.Contains(out, "acme") || !strings.Contains(out, "+4477*") {
		t.Errorf("mmsc vasp list after the API added acme: %v\n%s", err, out)
	}

	c, err := smtp.Dial(addrs["SMTP (MM4)"])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := submitFor(c, []byte("From: +447779998888/TYPE=PLMN@mms.example.net\r\nSubject: hi\r\n\r\nhello\r\n"), "+447778889999")
	if err != nil {
		t.Fatal(err)
	}
	got, body := do("GET", base+"/api/v1/messages?number=07778889999&limit=5", token, "")
	var page struct{ Messages []admin.Message }
	if err := json.Unmarshal([]byte(body), &page); got != 200 || err != nil || len(page.Messages) != 0 {
		t.Errorf("by a national number (another number): %d, %v, %d messages", got, err, len(page.Messages))
	}
	got, body = do("GET", base+"/api/v1/messages?number=447778889999&limit=5", token, "")
	page.Messages = nil
	if err := json.Unmarshal([]byte(body), &page); got != 200 || err != nil || len(page.Messages) != 1 || page.Messages[0].ID != string(id) {
		t.Errorf("by number: %d, %v, %s", got, err, body)
	}
}
