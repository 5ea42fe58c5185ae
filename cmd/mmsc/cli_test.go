package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/admin"
)

// serveInProcess runs "mmsc serve" in this process (so the race detector
// sees it) and returns its addresses.
func serveInProcess(t testing.TB, path string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", path}, func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	addrs := map[string]string{}
	sc := bufio.NewScanner(pr)
	for addrs["HTTP"] == "" && sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			addrs[m[1]] = m[2]
		}
	}
	go io.Copy(io.Discard, pr)
	if addrs["HTTP"] == "" {
		t.Fatal("serve did not print its addresses")
	}
	return addrs
}

// The README's VASP walk-through: add an account, send with mmsc send, read
// it back with mmsc messages -json.
func TestSendAndInspect(t *testing.T) {
	path, _ := writeConfig(t, "")
	if _, err := mmsc(t, "s3cret\n", "vasp", "add", "acme", "-password", "-", "-config", path); err != nil {
		t.Fatal(err)
	}
	addrs := serveInProcess(t, path)

	img := filepath.Join(t.TempDir(), "pic.gif")
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	os.WriteFile(img, gif, 0o600)
	out, err := mmsc(t, "", "send", "-server", addrs["SMTP (MM4)"], "-user", "acme", "-password", "s3cret",
		"-from", "+447779998888/TYPE=PLMN@mms.example.net",
		"-to", "+447778889999/TYPE=PLMN@mms.example.net,+447778880000@wappush.mms.example.net",
		"-subject", "Grüße", "-text", "hello", img)
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	for _, want := range []string{"S: 334 VXNlcm5hbWU6", "S: 334 UGFzc3dvcmQ6", "S: 235 ", "S: 250 Message Accepted <"} {
		if !strings.Contains(out, want) {
			t.Errorf("send transcript lacks %q:\n%s", want, out)
		}
	}

	out, err = mmsc(t, "", "messages", "-json", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("messages -json printed %d lines:\n%s", len(lines), out)
	}
	var m admin.Message
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"mm4_message_id":`) || !strings.Contains(out, `"last_error":`) {
		t.Errorf("JSON lacks the documented keys: %s", out)
	}
	if m.VASP != "acme" || m.Subject != "Grüße" || m.From != "+447779998888/TYPE=PLMN@mms.example.net" || m.TransactionID == "" || m.MM4MessageID == "" || m.Size == 0 {
		t.Errorf("message = %+v", m)
	}
	var types []string
	for _, p := range m.Parts {
		types = append(types, p.ContentType)
		if len(p.SHA256) != 64 || p.Size == 0 {
			t.Errorf("part %+v lacks size or sha256", p)
		}
	}
	if got := strings.Join(types, ","); !strings.Contains(got, "application/smil") || !strings.Contains(got, "image/gif") || !strings.Contains(got, "text/plain") {
		t.Errorf("part types = %s, want SMIL, text and image", got)
	}
	if len(m.Recipients) != 2 || m.Recipients[0].Route != "mm1" || m.Recipients[1].Route != "wappush" ||
		m.Recipients[0].State != "queued" || m.Recipients[0].Updated.IsZero() {
		t.Errorf("recipients = %+v", m.Recipients)
	}

	// Health over HTTP on the same defaults.
	resp, err := http.Get("http://" + addrs["HTTP"] + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	}
}

func TestVASPVerbs(t *testing.T) {
	path, _ := writeConfig(t, "")
	steps := []struct {
		args    []string
		stdin   string
		wantErr bool
		want    string
	}{
		{[]string{"vasp", "add", "acme", "-password", "pw1", "-allow-ip", "10.1.2.*,192.0.2.7,198.51.100.0/24", "-sender", "+4477*"}, "", false, "added VASP acme"},
		{[]string{"vasp", "add", "acme", "-password", "pw1"}, "", true, ""},                       // exists
		{[]string{"vasp", "add", "nopass"}, "", true, ""},                                         // password needed
		{[]string{"vasp", "add", "bad", "-password", "x", "-allow-ip", "10.*.2.3"}, "", true, ""}, // wildcard in the middle
		{[]string{"vasp", "add", "192.0.2.10"}, "", false, "IP account"},
		{[]string{"vasp", "add", "2001:db8::1"}, "", false, "IP account"},
		{[]string{"vasp", "list"}, "", false, "10.1.2.*,192.0.2.7,198.51.100.0/24"},
		{[]string{"vasp", "passwd", "acme", "-password", "-"}, "pw2\n", false, "changed"},
		{[]string{"vasp", "passwd", "ghost", "-password", "x"}, "", true, ""},
		{[]string{"vasp", "remove", "192.0.2.10"}, "", false, "removed"},
		{[]string{"vasp", "remove", "192.0.2.10"}, "", true, ""},
	}
	for _, s := range steps {
		out, err := mmsc(t, s.stdin, append(s.args, "-config", path)...)
		if (err != nil) != s.wantErr {
			t.Fatalf("mmsc %v: err = %v, want error %v", s.args, err, s.wantErr)
		}
		if !strings.Contains(out, s.want) {
			t.Errorf("mmsc %v printed %q, want %q", s.args, out, s.want)
		}
	}
	out, err := mmsc(t, "", "vasp", "list", "-json", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "$2a$") || strings.Contains(out, "pw2") {
		t.Fatalf("vasp list leaks a password or hash: %s", out)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v admin.VASP
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		names = append(names, v.Name)
	}
	if got := strings.Join(names, " "); got != "2001:db8::1 acme" {
		t.Errorf("accounts = %s", got)
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("mms_domain = \"mms.example.net\"\n[smtp]\nmax_recipients = 10\n"), 0o600)
	if out, err := mmsc(t, "", "check-config", "-config", good); err != nil || !strings.Contains(out, "ok") {
		t.Errorf("good config: %v %q", err, out)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte(`mms_domian = "typo"
[smtp]
listen = "nonsense"
max_message_size = -1
cert_file = "/nonexistent.pem"
read_timeout = "soon"
[htp]
listen = "x"
`), 0o600)
	_, err := mmsc(t, "", "check-config", "-config", bad)
	if err == nil {
		t.Fatal("bad config passed")
	}
	// read_timeout fails to decode, which stops the TOML decoder; the rest
	// is checked once the value parses.
	os.WriteFile(bad, []byte(`mms_domian = "typo"
[smtp]
listen = "nonsense"
max_message_size = -1
cert_file = "/nonexistent.pem"
[htp]
listen = "x"
`), 0o600)
	out, err := mmsc(t, "", "check-config", "-config", bad)
	if err == nil {
		t.Fatal("bad config passed")
	}
	for _, want := range []string{`unknown key "mms_domian"`, `unknown key "htp.listen"`, "smtp.listen", "smtp.max_message_size", "key_file must be set together", "/nonexistent.pem"} {
		if !strings.Contains(out, want) {
			t.Errorf("check-config output lacks %q:\n%s", want, out)
		}
	}
	// serve refuses the same file before opening anything.
	if _, err := mmsc(t, "", "serve", "-config", bad); err == nil || !strings.Contains(err.Error(), "mms_domian") {
		t.Errorf("serve with a bad config: %v", err)
	}
}

// The connection limit is set with the account and changed later, and the
// fields not named on the command line keep their values.
func TestVASPMaxConnections(t *testing.T) {
	path, _ := writeConfig(t, "")
	steps := []struct {
		args    []string
		wantErr bool
		want    string // in the account's JSON after the step
	}{
		{[]string{"vasp", "add", "acme", "-password", "pw", "-sender", "+4477*", "-max-connections", "100"}, false, `"max_connections":100`},
		{[]string{"vasp", "add", "bad", "-password", "pw", "-max-connections", "-1"}, true, ""},
		{[]string{"vasp", "set", "acme", "-max-connections", "5"}, false, `"max_connections":5`},
		{[]string{"vasp", "set", "acme", "-max-rate", "7"}, false, `"sender":"+4477*","max_rate":7,"max_connections":5`},
		{[]string{"vasp", "set", "acme", "-max-connections", "-1"}, true, ""},
		{[]string{"vasp", "set", "ghost", "-max-connections", "5"}, true, ""},
		{[]string{"vasp", "set", "acme", "-max-connections", "0"}, false, `"sender":"+4477*","max_rate":7,"created"`},
	}
	for _, s := range steps {
		if _, err := mmsc(t, "", append(s.args, "-config", path)...); (err != nil) != s.wantErr {
			t.Fatalf("mmsc %v: err = %v, want error %v", s.args, err, s.wantErr)
		}
		if s.want == "" {
			continue
		}
		out, err := mmsc(t, "", "vasp", "list", "-json", "-config", path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, s.want) {
			t.Errorf("after mmsc %v the account is %s, want %s in it", s.args, out, s.want)
		}
	}
}
