package mm4out

import (
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func reply(code int, ec smtp.EnhancedCode, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: msg}
}

// A refusal at MAIL, RCPT or DATA is reported with its stage and code, and
// the session survives it (RSET) for the next mail.
func TestRepliesAtEachStage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		stage     Stage
		err       error
		temporary bool
	}{
		{"mail 451", StageMail, reply(451, smtp.EnhancedCode{4, 3, 0}, "Try later"), true},
		{"mail 553", StageMail, reply(553, smtp.EnhancedCode{5, 7, 1}, "Sender not allowed"), false},
		{"rcpt 452", StageRcpt, reply(452, smtp.EnhancedCode{4, 5, 3}, "Too many recipients"), true},
		{"rcpt 550", StageRcpt, reply(550, smtp.EnhancedCode{5, 1, 1}, "No such user"), false},
		{"data 451", StageData, reply(451, smtp.EnhancedCode{4, 3, 0}, "Store failed"), true},
		{"data 554", StageData, reply(554, smtp.EnhancedCode{5, 6, 0}, "Malformed MM4"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var failed atomic.Bool // only the first mail fails
			p := newPeer(t, func(p *peer) {
				hook := func() error {
					if failed.CompareAndSwap(false, true) {
						return tc.err
					}
					return nil
				}
				switch tc.stage {
				case StageMail:
					p.onMail = func(string) error { return hook() }
				case StageRcpt:
					p.onRcpt = func(string) error { return hook() }
				case StageData:
					p.onData = func(_ *smtp.Conn, r io.Reader) error {
						io.Copy(io.Discard, r)
						return hook()
					}
				}
			})
			c := newClient(t, Config{})
			_, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail())
			se := sendErr(t, err)
			want := tc.err.(*smtp.SMTPError)
			if se.Stage != tc.stage || se.Code != want.Code || se.Enhanced != EnhancedCode(want.EnhancedCode) ||
				se.Message != want.Message || se.Temporary() != tc.temporary || Temporary(err) != tc.temporary {
				t.Errorf("err = %v: stage %s code %d %s %q temporary %v; want %s %d %v %q %v",
					err, se.Stage, se.Code, se.Enhanced, se.Message, se.Temporary(),
					tc.stage, want.Code, want.EnhancedCode, want.Message, tc.temporary)
			}
			if !strings.Contains(err.Error(), want.Message) {
				t.Errorf("error text %q lacks the peer's %q", err, want.Message)
			}
			if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
				t.Fatalf("next send: %v", err)
			}
			if n := p.accepts(); n != 1 {
				t.Errorf("%d connections, want 1: the session survives a refusal", n)
			}
		})
	}
}

// Some recipients refused with 5xx, others accepted: the message goes to
// the accepted ones, and the error lists the refused.
func TestPartialRecipientRefusal(t *testing.T) {
	p := newPeer(t, func(p *peer) {
		p.reply = "Queued"
		p.onRcpt = func(to string) error {
			if strings.HasPrefix(to, "bad") {
				return reply(550, smtp.EnhancedCode{5, 1, 1}, "Unknown user "+to)
			}
			return nil
		}
	})
	c := newClient(t, Config{})
	m := testMail()
	m.To = []string{"bad1@mms.example.net", recipient, "bad2@mms.example.net", "good@mms.example.net"}
	rep, err := c.Send(t.Context(), Peer{Addr: p.addr}, m)
	if rep != "2.0.0 Queued" {
		t.Errorf("reply = %q, want the peer's 250 text", rep)
	}
	se := sendErr(t, err)
	if se.Stage != StageRcpt || !se.Partial() || se.Temporary() || se.Code != 550 {
		t.Errorf("err = %v: stage %s partial %v temporary %v code %d; want a permanent partial refusal at rcpt",
			err, se.Stage, se.Partial(), se.Temporary(), se.Code)
	}
	var refused []string
	for _, r := range se.Refused {
		refused = append(refused, r.Addr)
		if r.Code != 550 || r.Enhanced != (EnhancedCode{5, 1, 1}) || r.Temporary() {
			t.Errorf("refusal %+v, want permanent 550 5.1.1", r)
		}
	}
	if !slices.Equal(refused, []string{"bad1@mms.example.net", "bad2@mms.example.net"}) {
		t.Errorf("refused = %q", refused)
	}
	if !slices.Equal(se.Accepted, []string{recipient, "good@mms.example.net"}) {
		t.Errorf("accepted = %q", se.Accepted)
	}
	got := p.messages()
	if len(got) != 1 || !slices.Equal(got[0].to, se.Accepted) {
		t.Fatalf("peer received %+v, want one message to the accepted recipients", got)
	}
	if !strings.Contains(err.Error(), "2 of 4 recipients refused") {
		t.Errorf("error text: %v", err)
	}
}

func TestAllRecipientsRefused(t *testing.T) {
	p := newPeer(t, func(p *peer) {
		p.onRcpt = func(to string) error {
			if to == recipient {
				return reply(450, smtp.EnhancedCode{4, 2, 0}, "Mailbox busy")
			}
			return reply(550, smtp.EnhancedCode{5, 1, 1}, "Unknown")
		}
	})
	c := newClient(t, Config{})
	m := testMail()
	m.To = []string{recipient, "other@mms.example.net"}
	rep, err := c.Send(t.Context(), Peer{Addr: p.addr}, m)
	se := sendErr(t, err)
	if rep != "" || se.Partial() || len(se.Refused) != 2 || se.Temporary() {
		t.Errorf("reply %q, err %v: partial %v, %d refused, temporary %v; want a permanent refusal of both",
			rep, err, se.Partial(), len(se.Refused), se.Temporary())
	}
	if !se.Refused[0].Temporary() || se.Refused[1].Temporary() {
		t.Errorf("per-recipient verdicts wrong: %+v", se.Refused)
	}
	if got := p.messages(); len(got) != 0 {
		t.Errorf("peer received %d messages", len(got))
	}
}

// 421 means the peer is closing: temporary, and the session is not reused.
func TestReply421DropsConnection(t *testing.T) {
	var done atomic.Bool
	p := newPeer(t, func(p *peer) {
		p.onMail = func(string) error {
			if done.CompareAndSwap(false, true) {
				return reply(421, smtp.EnhancedCode{4, 3, 2}, "Shutting down")
			}
			return nil
		}
	})
	c := newClient(t, Config{})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail())
	if se := sendErr(t, err); se.Code != 421 || !se.Temporary() {
		t.Errorf("err = %v, want temporary 421", err)
	}
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestPeerClosesMidData(t *testing.T) {
	var done atomic.Bool
	p := newPeer(t, func(p *peer) {
		p.onData = func(c *smtp.Conn, r io.Reader) error {
			if done.CompareAndSwap(false, true) {
				io.ReadFull(r, make([]byte, 1000))
				c.Conn().Close()
				return errors.New("cut")
			}
			return nil
		}
	})
	c := newClient(t, Config{})
	m := testMail()
	m.Data = mm4Message(300_000) // more than the socket buffers, so the cut is seen while writing or reading
	_, err := c.Send(t.Context(), Peer{Addr: p.addr}, m)
	se := sendErr(t, err)
	if se.Stage != StageData || !se.Temporary() || se.Code != 0 {
		t.Errorf("err = %v (stage %s, temporary %v, code %d), want a temporary network failure at data",
			err, se.Stage, se.Temporary(), se.Code)
	}
	if got := p.messages(); len(got) != 0 {
		t.Errorf("peer kept %d messages", len(got))
	}
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2: no reuse after a network error", n)
	}
}

// The peer drops an idle session without a word; NOOP finds out and the
// next Send goes on a new connection.
func TestIdleConnectionCutByPeer(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	p.cut()
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatalf("send after the peer cut the idle session: %v", err)
	}
	if n, m := p.accepts(), len(p.messages()); n != 2 || m != 2 {
		t.Errorf("%d connections and %d messages, want 2 and 2", n, m)
	}
}

// The peer times an idle session out with "421 4.4.2 Idle timeout" first.
func TestIdleConnectionTimedOutByPeer(t *testing.T) {
	p := newPeer(t, func(p *peer) { p.readTimeout = 100 * time.Millisecond })
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the peer to time the session out", func() bool { return p.open() == 0 })
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatalf("send after the peer's idle timeout: %v", err)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestIdleTimeoutClosesConnection(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{IdleTimeout: 50 * time.Millisecond})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the idle session to be closed", func() bool { return p.open() == 0 })
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestNoIdleKeepsNothing(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{MaxIdlePerPeer: -1})
	for range 3 {
		if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.accepts(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
	waitFor(t, "every session to be closed", func() bool { return p.open() == 0 })
}

func TestTimeoutNoGreeting(t *testing.T) {
	addr := silentPeer(t)
	c := newClient(t, Config{CommandTimeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := c.Send(t.Context(), Peer{Addr: addr}, testMail())
	se := sendErr(t, err)
	var ne net.Error
	if se.Stage != StageConnect || !se.Temporary() || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("err = %v (stage %s, temporary %v), want a temporary timeout at connect", err, se.Stage, se.Temporary())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestTimeoutAfterDot(t *testing.T) {
	release := make(chan struct{})
	p := newPeer(t, func(p *peer) {
		p.onData = func(_ *smtp.Conn, r io.Reader) error {
			io.Copy(io.Discard, r)
			<-release
			return nil
		}
	})
	defer close(release)
	c := newClient(t, Config{DataTimeout: 100 * time.Millisecond})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail())
	se := sendErr(t, err)
	var ne net.Error
	if se.Stage != StageData || !se.Temporary() || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("err = %v (stage %s, temporary %v), want a temporary timeout at data", err, se.Stage, se.Temporary())
	}
}

func TestConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newClient(t, Config{})
	_, err = c.Send(t.Context(), Peer{Addr: addr}, testMail())
	if se := sendErr(t, err); se.Stage != StageConnect || !se.Temporary() {
		t.Errorf("err = %v, want temporary at connect", err)
	}
	// The slot is given back.
	c.mu.Lock()
	n := len(c.peers)
	c.mu.Unlock()
	if n != 0 {
		t.Errorf("%d peer pools left after a failed dial", n)
	}
}
