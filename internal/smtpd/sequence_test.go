package smtpd_test

import (
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/vasp"
)

// loginPlain is AUTH PLAIN for test/test with the initial response.
const loginPlain = "AUTH PLAIN AHRlc3QAdGVzdA=="

// TestRepliesOnTheWire is README's reply table as a raw socket sees it,
// over plain TCP, STARTTLS and implicit TLS alike: commands out of order
// are 503 (RFC 5321 §4.2.4, §4.3.2), undecodable base64 in AUTH is 501
// 5.5.2 (RFC 4954 §4), and every other reply is go-smtp's or ours, byte
// for byte as the README gives it. The session goes on unless it closes.
func TestRepliesOnTheWire(t *testing.T) {
	tests := []struct {
		name   string
		steps  [][2]string // command ("": none, the next reply), the reply's start
		closes bool
	}{
		{"MAIL before EHLO", [][2]string{{"MAIL FROM:<a@b>", "503 5.5.1 Please introduce yourself first."}}, false},
		{"AUTH before EHLO", [][2]string{{loginPlain, "503 5.5.1 Please introduce yourself first."}}, false},
		{"RCPT before MAIL", [][2]string{{"EHLO x", "250 "}, {"RCPT TO:<+447700900456@mms.example.net>", "503 5.5.1 Missing MAIL FROM command."}}, false},
		{"DATA before RCPT", [][2]string{{"EHLO x", "250 "}, {"DATA", "503 5.5.1 Missing RCPT TO command."}}, false},
		{"BDAT before RCPT", [][2]string{{"EHLO x", "250 "}, {"BDAT 0 LAST", "503 5.5.1 Missing RCPT TO command."}}, false},
		{"undecodable base64 in AUTH PLAIN", [][2]string{{"EHLO x", "250 "}, {"AUTH PLAIN !!!not-base64", "501 5.5.2 Invalid base64 data"}}, false},
		{"undecodable base64 after AUTH LOGIN", [][2]string{{"EHLO x", "250 "}, {"AUTH LOGIN", "334 "}, {"%%%", "501 5.5.2 Invalid base64 data"}}, false},
		{"AUTH PLAIN without its two NULs", [][2]string{{"EHLO x", "250 "}, {"AUTH PLAIN dGVzdA==", "501 5.5.2 sasl: invalid response"}}, false},
		{"AUTH cancelled", [][2]string{{"EHLO x", "250 "}, {"AUTH LOGIN", "334 "}, {"*", "501 5.0.0 Negotiation cancelled"}}, false},
		{"AUTH with an unknown mechanism", [][2]string{{"EHLO x", "250 "}, {"AUTH CRAM-MD5", "504 5.7.4 Unsupported authentication mechanism"}}, false},
		{"AUTH without a mechanism", [][2]string{{"EHLO x", "250 "}, {"AUTH", "501 5.5.4 Missing parameter"}}, false},
		{"AUTH twice", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 2.0.0 Authentication succeeded"}, {loginPlain, "503 5.5.1 Already authenticated"}}, false},
		{"wrong password", [][2]string{{"EHLO x", "250 "}, {"AUTH PLAIN AHRlc3QAd3Jvbmc=", "535 5.7.8 Authentication credentials invalid"}}, false},
		{"MAIL without AUTH", [][2]string{{"EHLO x", "250 "}, {"MAIL FROM:<a@b>", "530 5.7.0 Authentication required"}}, false},
		{"MAIL without FROM:", [][2]string{{"EHLO x", "250 "}, {"MAIL <a@b>", "501 5.5.2 Was expecting MAIL arg syntax of FROM:<address>"}}, false},
		{"MAIL with SIZE over the limit", [][2]string{{"EHLO x", "250 "}, {"MAIL FROM:<a@b> SIZE=999999999", "552 5.3.4 Max message size exceeded"}}, false},
		{"MAIL with an unknown parameter", [][2]string{{"EHLO x", "250 "}, {"MAIL FROM:<a@b> FROB=1", "555 5.5.4 Unknown MAIL FROM argument"}}, false},
		{"MAIL with SMTPUTF8", [][2]string{{"EHLO x", "250 "}, {"MAIL FROM:<a@b> SMTPUTF8", "504 5.5.4 SMTPUTF8 is not implemented"}}, false},
		{"RCPT without TO:", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "}, {"MAIL FROM:<+447779998888@mms.example.net>", "250 "},
			{"RCPT <+447700900456@mms.example.net>", "501 5.5.2 Was expecting RCPT arg syntax of TO:<address>"}}, false},
		{"RCPT with an unknown parameter", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "}, {"MAIL FROM:<+447779998888@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900456@mms.example.net> FROB=1", "555 5.5.4 Unknown RCPT TO argument"}}, false},
		{"RCPT at a foreign domain", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "}, {"MAIL FROM:<+447779998888@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900456@example.org>", "550 5.1.2 "}}, false},
		{"one recipient over max_recipients", [][2]string{{"EHLO x", "250 "}, {loginPlain, "235 "}, {"MAIL FROM:<+447779998888@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900001@mms.example.net>", "250 "}, {"RCPT TO:<+447700900002@mms.example.net>", "250 "}, {"RCPT TO:<+447700900003@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900004@mms.example.net>", "452 4.5.3 Maximum limit of 3 recipients reached"}}, false},
		{"DATA with an argument", [][2]string{{"EHLO x", "250 "}, {"DATA x", "501 5.5.4 DATA command should not have any arguments"}}, false},
		{"BDAT without a size", [][2]string{{"EHLO x", "250 "}, {"BDAT", "501 5.5.4 Missing chunk size argument"}}, false},
		{"BDAT with a bad size", [][2]string{{"EHLO x", "250 "}, {"BDAT x", "501 5.5.4 Malformed size argument"}}, false},
		{"HELO without a domain", [][2]string{{"HELO", "501 5.5.2 Domain/address argument required for HELO"}}, false},
		{"EHLO without a domain", [][2]string{{"EHLO", "501 5.5.2 Domain/address argument required for HELO"}}, false},
		{"an unknown command", [][2]string{{"FROB", "500 5.5.2 Syntax errors, FROB command unrecognized"}}, false},
		{"a mangled command", [][2]string{{"MAILX", "501 5.5.2 Bad command"}}, false},
		{"a command not implemented", [][2]string{{"HELP", "502 5.5.1 HELP command not implemented"}, {"EXPN x", "502 5.5.1 EXPN command not implemented"}}, false},
		{"VRFY", [][2]string{{"VRFY x", "252 2.5.0 Cannot VRFY user, but will accept message"}}, false},
		{"a fourth bad command", [][2]string{{"FROB", "500 "}, {"FROB", "500 "}, {"MAILX", "501 "}, {"FROB", "500 5.5.2 "},
			{"", "500 5.5.1 Too many errors. Quiting now"}}, true},
	}
	for _, tr := range transports() {
		t.Run(tr.name, func(t *testing.T) {
			ts := tr.start(t)
			ts.addAccount(t, vasp.Account{Name: "test"}, "test")
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					d := tr.open(t, ts)
					for _, s := range tt.steps {
						if s[0] != "" {
							d.send(s[0])
						}
						lines := d.reply()
						if last := lines[len(lines)-1]; !strings.HasPrefix(last, s[1]) {
							t.Fatalf("%s: %q, want %q...", s[0], lines, s[1])
						}
					}
					if tt.closes {
						if !d.closed() {
							t.Fatal("the session is still open")
						}
						return
					}
					d.cmd("NOOP", "250 ")
				})
			}
		})
	}
}
