package main

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/admin"
)

// TestConsoleInChromium: the operator logs in with the token, finds a
// message by its recipient's number, and adds a VASP through the form,
// which `mmsc vasp list` then shows. What a sender wrote is shown as text.
func TestConsoleInChromium(t *testing.T) {
	b := newBrowser(t)
	path, dataDir := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	addrs := serveInProcess(t, path)
	base := "http://" + addrs["admin"]
	tok, err := os.ReadFile(filepath.Join(dataDir, admin.TokenFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.Dial(addrs["SMTP (MM4)"])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := submitFor(c, []byte("From: +447779998888/TYPE=PLMN@mms.example.net\r\nSubject: <b>bold</b> & <script>x()</script>\r\n\r\nhello\r\n"), "+447778889999")
	if err != nil {
		t.Fatal(err)
	}

	b.open(base + "/messages")
	if !strings.HasSuffix(b.url(), "/login") {
		t.Fatalf("without a session the console went to %s, want /login", b.url())
	}
	b.typeInto("#token", "wrong")
	b.click("#login")
	if _, ok := b.waitFor("That is not the admin token"); !ok {
		t.Errorf("a wrong token: no refusal on the page")
	}
	b.typeInto("#token", strings.TrimSpace(string(tok)))
	b.click("#login")
	if src, ok := b.waitFor("SMSC link"); !ok || !strings.Contains(src, "Dashboard") {
		t.Fatalf("after logging in: %.500s", src)
	}

	b.open(base + "/messages")
	b.typeInto("#number", "447778889999")
	b.click("#search")
	src, ok := b.waitFor(string(id))
	if !ok {
		t.Fatalf("search by number did not find %s: %.1000s", id, src)
	}
	if strings.Contains(src, "<script>x()") || strings.Contains(src, "<b>bold") || !strings.Contains(src, html.EscapeString("<b>bold</b>")) {
		t.Errorf("the subject is not shown as text: %.2000s", src)
	}

	b.open(base + "/messages/" + string(id))
	if src, ok := b.waitFor("Timeline"); !ok || !strings.Contains(src, "accepted") {
		t.Errorf("the message page has no timeline with its acceptance: %.1500s", src)
	}

	b.open(base + "/vasps")
	b.typeInto("#vasp-name", "acme")
	b.typeInto("#vasp-password", "s3cret-pw")
	b.typeInto("#vasp-sender", "+4477*")
	b.click("#vasp-add")
	if src, ok := b.waitFor("added acme"); !ok {
		t.Errorf("after adding a VASP: %.1000s", src)
	}
	out, err := mmsc(t, "", "vasp", "list", "-config", path)
	if err != nil || !strings.Contains(out, "acme") || !strings.Contains(out, "+4477*") {
		t.Errorf("mmsc vasp list after the console added acme: %v\n%s", err, out)
	}
}
