package smtpd_test

import (
	"testing"
)

// TestRepliesOnTheWire: commands out of order are 503 (RFC 5321 §4.2.4,
// §4.3.2) and undecodable base64 in AUTH is 501 5.5.2 (RFC 4954 §4), as a
// raw socket sees them; the session goes on.
func TestRepliesOnTheWire(t *testing.T) {
	ts := startServer(t)
	tests := []struct {
		name  string
		steps [][2]string // command, the reply's start
	}{
		{"MAIL before EHLO", [][2]string{{"MAIL FROM:<a@b>", "503 5.5.1 "}}},
		{"RCPT before MAIL", [][2]string{{"EHLO x", "250"}, {"RCPT TO:<+447700900456@mms.example.net>", "503 5.5.1 Missing MAIL FROM"}}},
		{"DATA before RCPT", [][2]string{{"EHLO x", "250"}, {"DATA", "503 5.5.1 Missing RCPT TO"}}},
		{"undecodable base64 in AUTH PLAIN", [][2]string{{"EHLO x", "250"}, {"AUTH PLAIN !!!not-base64", "501 5.5.2 Invalid base64 data"}}},
		{"undecodable base64 after AUTH LOGIN", [][2]string{{"EHLO x", "250"}, {"AUTH LOGIN", "334 "}, {"%%%", "501 5.5.2 Invalid base64 data"}}},
		{"an unknown command is still 500", [][2]string{{"FROB", "500 "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dial(t, ts.addr)
			d.expect("220 ")
			for _, s := range tt.steps {
				d.send(s[0])
				lines := d.reply()
				if last := lines[len(lines)-1]; len(last) < len(s[1]) || last[:len(s[1])] != s[1] {
					t.Fatalf("%s: %q, want %q...", s[0], lines, s[1])
				}
			}
			d.cmd("NOOP", "250 ")
		})
	}
}
