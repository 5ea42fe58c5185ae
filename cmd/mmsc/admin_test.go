package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{base + "/metrics", "", 401},
		{base + "/metrics", token, 200},
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

// writeCert writes a self-signed certificate for 127.0.0.1 and its key as
// PEM files in dir.
func writeCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "admin.pem"), filepath.Join(dir, "admin.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// With a certificate the admin listener speaks HTTPS only, and a token
// given in the configuration is the one it takes.
func TestAdminTLS(t *testing.T) {
	certFile, keyFile := writeCert(t, t.TempDir())
	const token = "configured-token-0123456789"
	path, dataDir := writeConfig(t, "")
	cfg, _ := os.ReadFile(path)
	cfg = []byte(strings.Replace(string(cfg), "[admin]\n", fmt.Sprintf("[admin]\ncert_file = %q\nkey_file = %q\ntoken = %q\n", certFile, keyFile, token), 1))
	os.WriteFile(path, cfg, 0o600)
	addrs := serveInProcess(t, path)
	if _, err := os.Stat(filepath.Join(dataDir, admin.TokenFile)); err == nil {
		t.Error("a token file was made although the configuration gives one")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 5 * time.Second}
	req, _ := http.NewRequest("GET", "https://"+addrs["admin"]+"/api/v1/stats", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /api/v1/stats over HTTPS with the configured token: %d", resp.StatusCode)
	}
	if resp, err := client.Get("http://" + addrs["admin"] + "/healthz"); err == nil && resp.StatusCode == 200 {
		t.Error("plain HTTP answered on the HTTPS admin listener")
	}
}
