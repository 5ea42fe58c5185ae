package smtpd_test

import (
	"io"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// TestSTARTTLS is RFC 3207 on a raw socket with crypto/tls's client: the
// offer in EHLO only before TLS, the command's refusals, and a new
// dialogue after the handshake.
func TestSTARTTLS(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.TLS = selfSigned(t) })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	ehlo := func(d *dialog) string {
		d.send("EHLO vasp.example.com")
		return strings.Join(d.reply(), "\n")
	}

	t.Run("offered before TLS, not after", func(t *testing.T) {
		d := dial(t, ts.addr)
		d.expect("220 ")
		if r := ehlo(d); !strings.Contains(r, "\n250-STARTTLS\n") {
			t.Errorf("EHLO before TLS does not offer STARTTLS:\n%s", r)
		}
		d.startTLS()
		if r := ehlo(d); strings.Contains(r, "STARTTLS") || !strings.Contains(r, "AUTH LOGIN PLAIN") {
			t.Errorf("EHLO under TLS:\n%s", r)
		}
		d.cmd("STARTTLS", "503 5.5.1 Already running in TLS")
		d.login2("test", "test")
		d.startData()
		d.send(seedMessage(t) + ".")
		d.expect("250 Message Accepted")
	})

	t.Run("not offered under implicit TLS", func(t *testing.T) {
		d := dialTLS(t, ts.tlsAddr)
		d.expect("220 ")
		if r := ehlo(d); strings.Contains(r, "STARTTLS") {
			t.Errorf("EHLO under implicit TLS offers STARTTLS:\n%s", r)
		}
		d.cmd("STARTTLS", "503 5.5.1 Already running in TLS")
		d.cmd("NOOP", "250 ")
	})

	t.Run("plaintext after STARTTLS is discarded", func(t *testing.T) {
		// CVE-2011-0411: what came with STARTTLS in the clear must not
		// be taken as said under TLS (RFC 3207 §4.2).
		d := dial(t, ts.addr)
		d.expect("220 ")
		ehlo(d)
		io.WriteString(d.conn, "STARTTLS\r\nRSET\r\n")
		d.startTLSAnswered()
		d.cmd("NOOP", "250 2.0.0 I have successfully done nothing")
	})

	t.Run("EHLO again after TLS", func(t *testing.T) {
		d := dial(t, ts.addr)
		d.expect("220 ")
		ehlo(d)
		d.startTLS()
		d.cmd("MAIL FROM:<+447779998888@mms.example.net>", "503 5.5.1 Please introduce yourself first.")
		d.cmd(loginPlain, "503 5.5.1 Please introduce yourself first.")
		d.cmd("HELO vasp.example.com", "250 ")
		d.cmd(loginPlain, "235 ")
	})

	refusals := []struct {
		name  string
		steps [][2]string
	}{
		{"with an argument", [][2]string{{"STARTTLS now", "501 5.5.4 Syntax error (no parameters allowed)"}}},
		{"after AUTH", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "}, {"STARTTLS", "503 5.5.1 STARTTLS is taken only before AUTH and MAIL"}}},
		{"in a mail transaction", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "},
			{"MAIL FROM:<+447779998888@mms.example.net>", "250 "}, {"STARTTLS", "503 5.5.1 STARTTLS is taken only before AUTH and MAIL"}}},
		{"after a mail transaction", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "},
			{"MAIL FROM:<+447779998888@mms.example.net>", "250 "}, {"RSET", "250 "}, {"STARTTLS", "503 5.5.1 STARTTLS is taken only before AUTH and MAIL"}}},
	}
	for _, tt := range refusals {
		t.Run("refused "+tt.name, func(t *testing.T) {
			d := dial(t, ts.addr)
			d.expect("220 ")
			for _, s := range tt.steps {
				d.send(s[0])
				if lines := d.reply(); !strings.HasPrefix(lines[len(lines)-1], s[1]) {
					t.Fatalf("%s: %q, want %q...", s[0], lines, s[1])
				}
			}
			d.cmd("NOOP", "250 ") // still in the clear
		})
	}

	t.Run("refused after a BDAT chunk go-smtp read by its count", func(t *testing.T) {
		// go-smtp discards the chunk of a BDAT without a recipient, so
		// its lines are not the ones the client's bytes seem to have:
		// here go-smtp takes "STARTTLS" from the middle of one, while
		// "RSET" waits behind it in go-smtp's buffer, where no discard
		// would reach it.
		d := dial(t, ts.addr)
		d.expect("220 ")
		ehlo(d)
		io.WriteString(d.conn, "BDAT 2\r\nabSTARTTLS\r\nRSET\r\nSTARTTLS\r\n")
		d.expect("503 5.5.1 Missing RCPT TO command.")
		d.expect("503 5.5.1 STARTTLS is taken only before AUTH and MAIL")
		d.expect("250 2.0.0 Session reset")
		d.expect("503 5.5.1 STARTTLS is taken only before AUTH and MAIL")
		d.cmd("NOOP", "250 ")
	})

	t.Run("failed handshake closes", func(t *testing.T) {
		d := dial(t, ts.addr)
		d.expect("220 ")
		d.cmd("STARTTLS", "220 2.0.0 Ready to start TLS")
		d.send("EHLO not-a-client-hello")
		if !d.closed() {
			t.Fatal("the session is still open")
		}
	})

	t.Run("not offered without a certificate", func(t *testing.T) {
		ts := startServer(t)
		d := dial(t, ts.addr)
		d.expect("220 ")
		if r := ehlo(d); strings.Contains(r, "STARTTLS") {
			t.Errorf("EHLO without TLS configured offers STARTTLS:\n%s", r)
		}
		d.cmd("STARTTLS", "502 5.5.1 TLS not supported")
		d.cmd("NOOP", "250 ")
	})
}

// startTLSAnswered is startTLS for a STARTTLS already sent.
func (d *dialog) startTLSAnswered() {
	d.t.Helper()
	d.expect("220 2.0.0 Ready to start TLS")
	d.handshake()
}

// login2 is login for a dialogue already greeted.
func (d *dialog) login2(user, password string) {
	d.t.Helper()
	d.send("EHLO vasp.example.com")
	d.reply()
	d.cmd("AUTH LOGIN", "334 VXNlcm5hbWU6")
	d.cmd(b64(user), "334 UGFzc3dvcmQ6")
	d.cmd(b64(password), "235 ")
}
