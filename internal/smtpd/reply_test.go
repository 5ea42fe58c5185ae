package smtpd

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// The one table of what the peer sees for each error, and the refusal the
// metrics count it as.
func TestReply(t *testing.T) {
	tests := []struct {
		err      error
		code     int
		enhanced smtp.EnhancedCode
		text     string // must appear
		hidden   string // must not appear
		why      mms.Refusal
	}{
		{errDataTimeout, 421, smtp.EnhancedCode{4, 4, 2}, "Timeout", "", mms.RefusedTimeout},
		{errTooManyConns, 421, smtp.EnhancedCode{4, 7, 0}, "Too many connections", "", mms.RefusedConnections},
		{errAccountConns, 421, smtp.EnhancedCode{4, 7, 0}, "Too many connections for this account", "", mms.RefusedConnections},
		{errAuthRequired, 530, smtp.EnhancedCode{5, 7, 0}, "Authentication required", "", mms.RefusedAuth},
		{errAuthFailed, 535, smtp.EnhancedCode{5, 7, 8}, "invalid", "", mms.RefusedAuth},
		{errAuthThrottled, 421, smtp.EnhancedCode{4, 7, 0}, "Too many failed logins", "", mms.RefusedThrottled},
		{fmt.Errorf("%w: %q", errSenderNotAllowed, "+1555"), 553, smtp.EnhancedCode{5, 7, 1}, "+1555", "", mms.RefusedSender},
		{fmt.Errorf("%q: %w", "other.org", errForeignDomain), 550, smtp.EnhancedCode{5, 1, 2}, "other.org", "", mms.RefusedRecipient},
		{fmt.Errorf("%q: %w", "+44", mms.ErrNoDomain), 550, smtp.EnhancedCode{5, 1, 2}, "no domain", "", mms.RefusedRecipient},
		{errNoHandsetRecipient, 550, smtp.EnhancedCode{5, 1, 1}, "nobody to deliver", "", mms.RefusedRecipient},
		{fmt.Errorf("%q: %w", "12", mms.ErrBadNumber), 553, smtp.EnhancedCode{5, 1, 3}, "not a phone number", "", mms.RefusedRecipient},
		{mms.Permanent(fmt.Errorf("%w: boundary \"b\" never found", mm4.ErrMalformed)), 554, smtp.EnhancedCode{5, 6, 0}, "boundary", "", mms.RefusedMalformed},
		{mms.Permanent(fmt.Errorf("%w: MM4_forward.RES", mm4.ErrUnsupportedType)), 554, smtp.EnhancedCode{5, 6, 0}, "MM4_forward.RES", "", mms.RefusedMalformed},
		{smtp.ErrTooLongLine, 554, smtp.EnhancedCode{5, 6, 0}, "too long", "", mms.RefusedMalformed},
		{smtp.ErrDataTooLarge, 552, smtp.EnhancedCode{5, 3, 4}, "size", "", mms.RefusedSize},
		{errors.New("sqlite: disk I/O error at /var/lib/mmsc"), 451, smtp.EnhancedCode{4, 3, 0}, "try again", "sqlite", mms.RefusedTemporary},
		{mms.Permanent(errors.New("internal permanent")), 451, smtp.EnhancedCode{4, 3, 0}, "", "internal", mms.RefusedTemporary},
		{fmt.Errorf("%w: line\r\n250 injected", mm4.ErrMalformed), 554, smtp.EnhancedCode{5, 6, 0}, "injected", "\n", mms.RefusedMalformed},
	}
	for _, tt := range tests {
		got, why := reply(tt.err)
		if got.Code != tt.code || got.EnhancedCode != tt.enhanced ||
			!strings.Contains(got.Message, tt.text) || (tt.hidden != "" && strings.Contains(got.Message, tt.hidden)) {
			t.Errorf("reply(%q) = %d %v %q; want %d %v containing %q without %q",
				tt.err, got.Code, got.EnhancedCode, got.Message, tt.code, tt.enhanced, tt.text, tt.hidden)
		}
		if why != tt.why {
			t.Errorf("reply(%q) counts as %q, want %q", tt.err, why, tt.why)
		}
	}
	// AUTH's own trouble is temporary, and says so in AUTH's terms.
	if got, why := authReply(errors.New("store down")); got.Code != 454 || why != mms.RefusedTemporary {
		t.Errorf("authReply(store down) = %d, %q", got.Code, why)
	}
	// Written on the socket before go-smtp has the connection.
	rep, _ := reply(errTooManyConns)
	if got := string(wire(rep)); got != "421 4.7.0 Too many connections, try again later\r\n" {
		t.Errorf("wire(421) = %q", got)
	}
}

func TestLoginServer(t *testing.T) {
	var gotUser, gotPass string
	check := func(u, p string) error {
		gotUser, gotPass = u, p
		if p != "test" {
			return errAuthFailed
		}
		return nil
	}
	// Two prompts, as in the NowSMS dialog.
	s := newLoginServer(check)
	steps := []struct {
		in        []byte
		challenge string
		done      bool
	}{{nil, "Username:", false}, {[]byte("test"), "Password:", false}, {[]byte("test"), "", true}}
	for i, st := range steps {
		c, done, err := s.Next(st.in)
		if err != nil || string(c) != st.challenge || done != st.done {
			t.Fatalf("step %d: %q %v %v", i, c, done, err)
		}
	}
	if gotUser != "test" || gotPass != "test" {
		t.Errorf("checked %q/%q", gotUser, gotPass)
	}
	if _, _, err := s.Next([]byte("more")); err == nil {
		t.Error("a fourth response was accepted")
	}
	// Initial response: the user name comes with AUTH LOGIN.
	s = newLoginServer(check)
	if c, _, _ := s.Next([]byte("vasp")); string(c) != "Password:" {
		t.Fatalf("after initial response: %q", c)
	}
	if _, done, err := s.Next([]byte("bad")); !done || !errors.Is(err, errAuthFailed) {
		t.Errorf("wrong password: done=%v err=%v", done, err)
	}
	// An empty initial response ("AUTH LOGIN =") is a user name of "".
	s = newLoginServer(check)
	if c, _, _ := s.Next([]byte{}); string(c) != "Password:" {
		t.Errorf("empty initial response: %q", c)
	}
}
