package mm4out

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const (
	sender    = "+447700900123/TYPE=PLMN@mms.example.org"
	recipient = "+447700900456/TYPE=PLMN@mms.example.net"
)

func testMail() Mail {
	return Mail{From: sender, To: []string{recipient}, Data: mm4Message(2000)}
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c := New(cfg, nil)
	t.Cleanup(func() { c.Close() })
	return c
}

// sendErr asserts that err is a *SendError and returns it.
func sendErr(t *testing.T, err error) *SendError {
	t.Helper()
	var se *SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SendError", err, err)
	}
	return se
}

func TestSendPlain(t *testing.T) {
	p := newPeer(t, func(p *peer) { p.reply = "Message Accepted <id-1>" })
	c := newClient(t, Config{})
	m := Mail{From: sender, To: []string{recipient, "system-user@mms.example.net"}, Data: mm4Message(30000)}

	reply, err := c.Send(t.Context(), Peer{Addr: p.addr, HELO: "mmsc.example.org"}, m)
	if err != nil {
		t.Fatal(err)
	}
	if reply != "2.0.0 Message Accepted <id-1>" {
		t.Errorf("reply = %q", reply)
	}
	got := p.messages()
	if len(got) != 1 {
		t.Fatalf("peer received %d messages", len(got))
	}
	if got[0].from != m.From || !slices.Equal(got[0].to, m.To) {
		t.Errorf("envelope = %q %q, want %q %q", got[0].from, got[0].to, m.From, m.To)
	}
	if !bytes.Equal(got[0].data, m.Data) {
		t.Errorf("peer received %d bytes that differ from the %d sent", len(got[0].data), len(m.Data))
	}
	if got[0].tls {
		t.Error("TLS without STARTTLS on offer")
	}
}

func TestNullSender(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{})
	m := testMail()
	m.From = ""
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, m); err != nil {
		t.Fatal(err)
	}
	if got := p.messages(); len(got) != 1 || got[0].from != "" {
		t.Errorf("received %+v, want one message from <>", got)
	}
}

func TestConnectionReuse(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{})
	for i := range 50 {
		if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if n := len(p.messages()); n != 50 {
		t.Errorf("peer received %d messages, want 50", n)
	}
	if n := p.accepts(); n != 1 {
		t.Errorf("50 sequential sends opened %d connections, want 1", n)
	}
}

func TestMaxConnsPerPeer(t *testing.T) {
	p := newPeer(t, func(p *peer) {
		p.onData = func(*smtp.Conn, io.Reader) error { time.Sleep(5 * time.Millisecond); return nil }
	})
	c := newClient(t, Config{MaxConnsPerPeer: 3, MaxIdlePerPeer: 3})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(p.messages()); n != 40 {
		t.Errorf("peer received %d messages, want 40", n)
	}
	p.mu.Lock()
	maxLive, accepted := p.maxLive, p.accepted
	p.mu.Unlock()
	if maxLive > 3 || accepted > 3 {
		t.Errorf("peer saw %d connections at once, %d in all; the limit is 3", maxLive, accepted)
	}
}

func TestWaitForSlotRespectsContext(t *testing.T) {
	release := make(chan struct{})
	p := newPeer(t, func(p *peer) {
		p.onData = func(*smtp.Conn, io.Reader) error { <-release; return nil }
	})
	c := newClient(t, Config{MaxConnsPerPeer: 1})
	first := make(chan error, 1)
	go func() {
		_, err := c.Send(context.Background(), Peer{Addr: p.addr}, testMail())
		first <- err
	}()
	waitFor(t, "the first send to hold the only slot", func() bool { return p.accepts() == 1 })

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Send(ctx, Peer{Addr: p.addr}, testMail())
	se := sendErr(t, err)
	if se.Stage != StageConnect || !se.Temporary() || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second send: %v (stage %s, temporary %v), want a temporary wait timeout", err, se.Stage, se.Temporary())
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first send: %v", err)
	}
	if n := p.accepts(); n != 1 {
		t.Errorf("peer accepted %d connections, want 1", n)
	}
}

func TestCancelledMidSend(t *testing.T) {
	var stalled atomic.Bool
	release := make(chan struct{})
	defer close(release)
	p := newPeer(t, func(p *peer) {
		p.onData = func(_ *smtp.Conn, r io.Reader) error {
			if stalled.CompareAndSwap(false, true) { // the first reply after the dot never comes
				io.Copy(io.Discard, r)
				<-release
			}
			return nil
		}
	})
	c := newClient(t, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Send(ctx, Peer{Addr: p.addr}, testMail())
	se := sendErr(t, err)
	if !errors.Is(err, context.Canceled) || !se.Temporary() || se.Stage != StageData {
		t.Errorf("err = %v (stage %s, temporary %v), want a temporary cancellation at data", err, se.Stage, se.Temporary())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v to end the send", d)
	}
	// The session is out of step: the next send needs a new one.
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("peer accepted %d connections, want 2", n)
	}
}

func TestInvalidMailIsPermanentAndNotSent(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{})
	for name, m := range map[string]Mail{
		"line break in sender": {From: "a\r\nRCPT TO:<x@y>", To: []string{recipient}, Data: []byte("x\r\n")},
		"no recipients":        {From: sender, Data: []byte("x\r\n")},
		"bracket in recipient": {From: sender, To: []string{"<a@b>"}, Data: []byte("x\r\n")},
		"empty recipient":      {From: sender, To: []string{""}, Data: []byte("x\r\n")},
		"empty message":        {From: sender, To: []string{recipient}},
	} {
		_, err := c.Send(t.Context(), Peer{Addr: p.addr}, m)
		if se := sendErr(t, err); se.Temporary() {
			t.Errorf("%s: %v is temporary", name, err)
		}
	}
	for name, pr := range map[string]Peer{
		"TLS mode": {Addr: p.addr, TLS: "sometimes"},
		"address":  {Addr: "no-port"},
		"HELO":     {Addr: p.addr, HELO: "a b"},
	} {
		_, err := c.Send(t.Context(), pr, testMail())
		if se := sendErr(t, err); se.Temporary() || se.Stage != StageConnect {
			t.Errorf("bad %s: %v, want permanent at connect", name, err)
		}
	}
	if n := p.accepts(); n != 0 {
		t.Errorf("invalid input opened %d connections", n)
	}
}

func TestClose(t *testing.T) {
	p := newPeer(t, nil)
	c := New(Config{}, nil)
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "peer to see the connection closed", func() bool { return p.open() == 0 })
	_, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail())
	if se := sendErr(t, err); !errors.Is(err, ErrClosed) || !se.Temporary() {
		t.Errorf("send after Close: %v, want temporary ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// With every slot held by another account's idle session, a Send retires
// the oldest of them rather than wait for IdleTimeout.
func TestIdleSessionOfAnotherKeyGivesWay(t *testing.T) {
	p := newPeer(t, func(p *peer) { p.users = map[string]string{"a": "pa", "b": "pb"} })
	c := newClient(t, Config{MaxConnsPerPeer: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for _, user := range []string{"a", "b", "a"} {
		if _, err := c.Send(ctx, Peer{Addr: p.addr, User: user, Password: "p" + user}, testMail()); err != nil {
			t.Fatalf("send as %s: %v", user, err)
		}
	}
	if n := p.accepts(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
	waitFor(t, "retired sessions to close", func() bool { return p.open() == 1 })
}

// The context's deadline cuts go-smtp's own, longer, command timeout.
func TestContextDeadlineBoundsCommands(t *testing.T) {
	addr := silentPeer(t)
	c := newClient(t, Config{CommandTimeout: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Send(ctx, Peer{Addr: addr}, testMail())
	if se := sendErr(t, err); !se.Temporary() || se.Stage != StageConnect || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a temporary deadline at connect", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
