package smtpd

import "testing"

// Each corrected reply keeps its length, so that a write's byte count is
// the one go-smtp asked for.
func TestRFCRepliesKeepTheirLength(t *testing.T) {
	for from, to := range rfcReplies {
		if len(from) != len(to) || from[3:] == to[3:] && from[:3] == to[:3] {
			t.Errorf("%q → %q", from, to)
		}
	}
	b := []byte("250 ok\r\n502 5.5.1 Missing RCPT TO command.\r\n")
	if got := string(fixReplies(b)); got != "250 ok\r\n502 5.5.1 Missing RCPT TO command.\r\n" {
		// A write starting with 2 is not looked at: replies go one a write.
		t.Errorf("fixReplies changed a write that starts with a success: %q", got)
	}
	b = []byte("502 5.5.1 Missing RCPT TO command.\r\n")
	if got := string(fixReplies(b)); got != "503 5.5.1 Missing RCPT TO command.\r\n" || string(b) != "502 5.5.1 Missing RCPT TO command.\r\n" {
		t.Errorf("fixReplies = %q (input now %q)", got, b)
	}
}
