package smtpd_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

func TestAuthForms(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	cases := []struct {
		name  string
		steps [][2]string
	}{
		{"LOGIN in two prompts", [][2]string{{"AUTH LOGIN", "334 VXNlcm5hbWU6"}, {b64("test"), "334 UGFzc3dvcmQ6"}, {b64("test"), "235 "}}},
		{"LOGIN with initial response", [][2]string{{"AUTH LOGIN " + b64("test"), "334 UGFzc3dvcmQ6"}, {b64("test"), "235 "}}},
		{"login in lower case", [][2]string{{"auth login", "334 VXNlcm5hbWU6"}, {b64("test"), "334 UGFzc3dvcmQ6"}, {b64("test"), "235 "}}},
		{"PLAIN with initial response", [][2]string{{"AUTH PLAIN " + b64("\x00test\x00test"), "235 "}}},
		{"PLAIN without initial response", [][2]string{{"AUTH PLAIN", "334 "}, {b64("\x00test\x00test"), "235 "}}},
		{"PLAIN with matching authzid", [][2]string{{"AUTH PLAIN " + b64("test\x00test\x00test"), "235 "}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := dial(t, ts.addr)
			d.expect("220 ")
			d.send("EHLO vasp.example.com")
			d.reply()
			for _, s := range c.steps {
				d.cmd(s[0], s[1])
			}
			d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
		})
	}
}

// Five failed logins a minute from one address: the fifth is answered 421
// and the connection closed, and so is any attempt after it, even with the
// right password, from a new connection.
func TestAuthThrottle(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.expect("220 ")
	d.send("EHLO x")
	d.reply()
	for i := 1; i <= 4; i++ {
		d.cmd("AUTH PLAIN "+b64("\x00test\x00wrong"), "535 5.7.8")
	}
	d.cmd("AUTH PLAIN "+b64("\x00test\x00wrong"), "421 4.7.0")
	if !d.closed() {
		t.Error("connection still open after 421")
	}
	d2 := dial(t, ts.addr)
	d2.expect("220 ")
	d2.send("EHLO x")
	d2.reply()
	d2.cmd("AUTH PLAIN "+b64("\x00test\x00test"), "421 4.7.0")
	if !d2.closed() {
		t.Error("connection still open after 421")
	}
}

// The owner is not locked out: after five wrong passwords for its account
// from its address, the password it logged in with still works. Failures
// on five accounts from one address are a spray, and then nothing does.
func TestAuthOwnerNotLockedOut(t *testing.T) {
	ts := startServer(t)
	for _, name := range []string{"acme", "news"} {
		ts.addAccount(t, vasp.Account{Name: name}, "secret")
	}
	session := func() *dialog {
		d := dial(t, ts.addr)
		d.expect("220 ")
		d.send("EHLO x")
		d.reply()
		return d
	}
	session().cmd("AUTH PLAIN "+b64("\x00acme\x00secret"), "235 ")
	d := session()
	for i := 1; i <= 4; i++ {
		d.cmd("AUTH PLAIN "+b64("\x00acme\x00wrong"), "535 5.7.8")
	}
	d.cmd("AUTH PLAIN "+b64("\x00acme\x00wrong"), "421 4.7.0")
	session().cmd("AUTH PLAIN "+b64("\x00acme\x00guess"), "421 4.7.0")
	session().cmd("AUTH PLAIN "+b64("\x00acme\x00secret"), "235 ")
	session().cmd("AUTH PLAIN "+b64("\x00news\x00secret"), "235 ")

	d = session()
	for _, name := range []string{"a", "b", "c"} {
		d.cmd("AUTH PLAIN "+b64("\x00"+name+"\x00x"), "535 5.7.8")
	}
	d.cmd("AUTH PLAIN "+b64("\x00d\x00x"), "421 4.7.0") // acme, a, b, c, d: five accounts
	session().cmd("AUTH PLAIN "+b64("\x00acme\x00secret"), "421 4.7.0")
	session().cmd("AUTH PLAIN "+b64("\x00news\x00secret"), "421 4.7.0")
}

// An account named by IP address is every connection from it, with no AUTH.
func TestIPAccount(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "127.0.0.1"}, "")
	d := dial(t, ts.addr)
	d.expect("220 ")
	d.send("HELO vasp.example.com")
	d.expect("250 ")
	d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("RCPT TO:<+447778889999@mms.example.net>", "250 ")
	d.cmd("DATA", "354 ")
	d.send(seedMessage(t) + ".")
	d.expect("250 Message Accepted")
	l, err := ts.store.Messages(context.Background(), 1)
	if err != nil || len(l) != 1 || l[0].VASP != "127.0.0.1" {
		t.Fatalf("messages = %+v, %v; want one from VASP 127.0.0.1", l, err)
	}
}

// Accepted recipient forms and the route each is stored with.
func TestRecipientForms(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxRecipients = 10 })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	for _, r := range []string{
		"<+447700900001@mms.example.net>",
		"<+447700900002/TYPE=PLMN@mms.example.net>",
		"<+447700900003/type=plmn@MMS.Example.NET>",
		"<447700900004@mmsc.example.net>",
		"<+447700900005/TYPE=PLMN@wappush.mms.example.net>",
		"<+447700900006@wappush.mmsc.example.net>",
		"<+447700900001@mms.example.net>", // again: one delivery
	} {
		d.cmd("RCPT TO:"+r, "250 ")
	}
	d.cmd("DATA", "354 ")
	d.send(seedMessage(t) + ".")
	d.expect("250 Message Accepted")
	l, err := ts.store.Messages(context.Background(), 1)
	if err != nil || len(l) != 1 {
		t.Fatal(l, err)
	}
	var got []string
	for _, r := range l[0].Recipients {
		got = append(got, r.Address+" "+string(r.Route)+" "+string(r.State))
	}
	want := []string{
		"+447700900001 mm1 queued", "+447700900002 mm1 queued", "+447700900003 mm1 queued",
		"447700900004 mm1 queued", "+447700900005 wappush queued", "+447700900006 wappush queued",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("recipients:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Unwrapped base64 from some clients runs past go-smtp's 2000-byte default.
func TestLongLine(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.startData()
	line := strings.Repeat("QUJD", 1250) // 5000 characters of base64
	d.send(strings.Join([]string{
		"Subject: long line", "MIME-Version: 1.0", "Content-Type: application/octet-stream",
		"Content-Transfer-Encoding: base64", "", line, ".",
	}, "\r\n"))
	d.expect("250 Message Accepted")
}

// A line past the limit ends the session, as go-smtp's own check would: a
// command with 500, a message with a permanent 554 (it would fail again)
// and then 500, and nothing is stored. The listener checks lines
// (lineLimit) under its TLS layer, so the peer sees the same over every
// transport.
func TestLineTooLong(t *testing.T) {
	for _, tr := range transports() {
		limit := func(c *smtpd.Config) { c.MaxLineLength = 6000 }
		t.Run(tr.name+"/command", func(t *testing.T) {
			ts := tr.start(t, limit)
			d := tr.open(t, ts)
			d.send("EHLO " + strings.Repeat("x", 6001))
			d.expect("500 5.4.0")
			if !d.closed() {
				t.Fatal("session still open")
			}
		})
		t.Run(tr.name+"/message", func(t *testing.T) {
			ts := tr.start(t, limit)
			ts.addAccount(t, vasp.Account{Name: "test"}, "test")
			d := tr.open(t, ts)
			d.login2("test", "test")
			d.startData()
			d.send(strings.Join([]string{
				"Subject: long line", "MIME-Version: 1.0", "Content-Type: application/octet-stream",
				"Content-Transfer-Encoding: base64", "", strings.Repeat("QUJD", 1500), ".",
			}, "\r\n"))
			d.expect("554 5.6.0 A line of the message is too long")
			d.expect("500 5.4.0")
			if !d.closed() {
				t.Fatal("session still open")
			}
			if n := ts.stored(t); n != 0 {
				t.Fatalf("%d messages stored", n)
			}
		})
	}
}

// Connections beyond the per-address cap are turned away with 421.
func TestConnectionCap(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxConnsPerIP = 2 })
	a, b := dial(t, ts.addr), dial(t, ts.addr)
	a.expect("220 ")
	b.expect("220 ")
	c := dial(t, ts.addr)
	c.expect("421 4.7.0")
	a.cmd("QUIT", "221 ")
	if !a.closed() {
		t.Fatal("QUIT did not close")
	}
	// The slot comes back once the first connection is gone.
	for i := 0; ; i++ {
		d := dial(t, ts.addr)
		if r := d.reply(); strings.HasPrefix(r[0], "220 ") {
			break
		} else if i > 50 {
			t.Fatalf("slot not released: %q", r)
		}
	}
}

// On the implicit-TLS port the 421 comes through TLS, which a TLS client
// can read.
func TestConnectionCapOverTLS(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxConnsPerIP = 2; c.TLS = selfSigned(t) })
	a, b := dialTLS(t, ts.tlsAddr), dialTLS(t, ts.tlsAddr)
	a.expect("220 ")
	b.expect("220 ")
	c := dialTLS(t, ts.tlsAddr)
	c.expect("421 4.7.0 Too many connections")
	if !c.closed() {
		t.Fatal("the refused connection is still open")
	}
	a.cmd("QUIT", "221 ")
	if !a.closed() {
		t.Fatal("QUIT did not close")
	}
	for i := 0; ; i++ { // the slot comes back; the refusal took none
		d := dialTLS(t, ts.tlsAddr)
		if r := d.reply(); strings.HasPrefix(r[0], "220 ") {
			break
		} else if i > 50 {
			t.Fatalf("slot not released: %q", r)
		}
	}
}

// An idle peer is told and let go; so is one that stalls inside DATA.
func TestTimeouts(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) {
		c.ReadTimeout = 300 * time.Millisecond
		c.DataTimeout = 300 * time.Millisecond
	})
	ts.addAccount(t, vasp.Account{Name: "127.0.0.1"}, "")
	d := dial(t, ts.addr)
	d.expect("220 ")
	d.expect("421 4.4.2")

	d = dial(t, ts.addr)
	d.expect("220 ")
	d.cmd("HELO x", "250 ")
	d.startData()
	d.send("Subject: half a message")
	d.expect("421 4.4.2")
	if !d.closed() {
		t.Error("connection open after the DATA timeout")
	}
	if n := ts.stored(t); n != 0 {
		t.Errorf("stored %d messages", n)
	}
}

// CHUNKING is advertised by go-smtp; BDAT must lead to the same checks and
// the same durable acceptance as DATA.
func TestBDAT(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("RCPT TO:<+447778889999/TYPE=PLMN@mms.example.net>", "250 ")
	msg := seedMessage(t)
	half := len(msg) / 2
	d.send(fmt.Sprintf("BDAT %d", half))
	io.WriteString(d.conn, msg[:half])
	d.expect("250 ")
	d.send(fmt.Sprintf("BDAT %d LAST", len(msg)-half))
	io.WriteString(d.conn, msg[half:])
	d.expect("250 Message Accepted <")
	if n := ts.stored(t); n != 1 {
		t.Fatalf("stored %d", n)
	}
	// A malformed message over BDAT is refused like one over DATA.
	d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("RCPT TO:<+447778889999/TYPE=PLMN@mms.example.net>", "250 ")
	bad := strings.Replace(msg, "MM4_forward.REQ", "MM4_forward.RES", 1)
	d.send(fmt.Sprintf("BDAT %d LAST", len(bad)))
	io.WriteString(d.conn, bad)
	d.expect("554 5.6.0")
	if n := ts.stored(t); n != 1 {
		t.Fatalf("stored %d", n)
	}
}
