package smpp

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// reservePort finds a loopback port nothing listens on.
func reservePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestSMSCAbsentAtStart(t *testing.T) {
	addr := reservePort(t)
	// While the port is free another test process may be given it for its
	// own fake SMSC. Credentials of our own make a stray bind there fail
	// instead of counting as that test's client.
	cfg := testConfig(addr)
	cfg.SystemID, cfg.Password = "absent-at-start", "pw-absent-at-start"
	c := startClient(t, cfg, nil, nil)

	start := time.Now()
	_, err := c.Submit(ctxFor(t), push("+447700900456", seg1))
	if !errors.Is(err, ErrNoLink) || !Temporary(err) {
		t.Fatalf("Submit with no SMSC: err = %v (temporary %v), want temporary ErrNoLink", err, Temporary(err))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Submit took %v to report no link; it must not wait", d)
	}
	if c.Connected() {
		t.Error("Connected() = true with no SMSC")
	}

	// The SMSC appears later at the same address; the client's backoff
	// loop must find it.
	time.Sleep(50 * time.Millisecond)
	srv, err := smsctest.Listen(addr, cfg.SystemID, cfg.Password)
	if err != nil {
		t.Skipf("the reserved port was taken meanwhile by another process: %v", err)
	}
	t.Cleanup(srv.Close)

	connected(t, c)
	ids, err := c.Submit(ctxFor(t), push("+447700900456", seg1))
	if err != nil || len(ids) != 1 {
		t.Fatalf("Submit after the SMSC appeared: ids %q, err %v", ids, err)
	}
}

func TestLinkDropFailsOutstandingSubmitsAndRebinds(t *testing.T) {
	srv := newServer(t)
	srv.SetHandler(func(smsctest.Submit) uint32 { return smsctest.NoResponse })
	cfg := testConfig(srv.Addr())
	cfg.SubmitTimeout = time.Hour // a drop must not wait for this
	c := startClient(t, cfg, nil, nil)
	connected(t, c)

	// Two submits the SMSC has received and will never answer.
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.Submit(context.Background(), push("+447700900456", seg1))
			errs <- err
		}()
	}
	if _, err := srv.WaitSubmits(ctxFor(t), 2); err != nil {
		t.Fatal(err)
	}
	srv.DropLinks()
	for range 2 {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrLinkDropped) || !Temporary(err) {
				t.Errorf("outstanding Submit: err = %v, want temporary ErrLinkDropped", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("outstanding Submit did not fail after the link dropped")
		}
	}

	srv.SetHandler(nil)
	if err := srv.Wait(ctxFor(t), func() bool { return srv.Binds() >= 2 }); err != nil {
		t.Fatal(err)
	}
	connected(t, c)
	ids, err := c.Submit(ctxFor(t), push("+447700900456", seg1, seg2))
	if err != nil || len(ids) != 2 {
		t.Fatalf("Submit after rebind: ids %q, err %v", ids, err)
	}
}

func TestWindowLimitsOutstandingSubmits(t *testing.T) {
	srv := newServer(t)
	srv.SetHandler(func(smsctest.Submit) uint32 { return smsctest.NoResponse })
	cfg := testConfig(srv.Addr())
	cfg.SubmitTimeout = time.Hour
	cfg.Window = 2
	c := startClient(t, cfg, nil, nil)
	connected(t, c)

	for range 2 {
		go c.Submit(context.Background(), push("+447700900456", seg1)) // fail when the test ends
	}
	if _, err := srv.WaitSubmits(ctxFor(t), 2); err != nil {
		t.Fatal(err)
	}
	// The window is full: a third submit waits for a slot, here until its
	// context gives up, and is never written.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Submit(ctx, push("+447700900456", seg1))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for the window") {
		t.Errorf("third Submit: err = %v, want a deadline while waiting for the window", err)
	}
	if n := len(srv.Submits()); n != 2 {
		t.Errorf("SMSC got %d submit_sm; the window of 2 let more through", n)
	}
}

func TestWrongPasswordRetriesWithBackoff(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv.Addr())
	cfg.Password = "wrong"
	var logs logBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	c := startClient(t, cfg, log, nil)

	if err := srv.Wait(ctxFor(t), func() bool { return srv.BindAttempts() >= 3 }); err != nil {
		t.Fatal(err)
	}
	if c.Connected() {
		t.Error("Connected() = true after refused binds")
	}
	if srv.Binds() != 0 {
		t.Errorf("server counted %d successful binds", srv.Binds())
	}
	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1)); !errors.Is(err, ErrNoLink) {
		t.Errorf("Submit: err = %v, want ErrNoLink", err)
	}
	out := logs.String()
	for _, want := range []string{"bind failed", "ESME_RINVPASWD (0x0000000E)", "retry_in="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestBackoffDoublesWithJitterUpToMax(t *testing.T) {
	b := backoff{min: 100 * time.Millisecond, max: 1 * time.Second}
	ceilings := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, ceil := range ceilings {
		ceil *= time.Millisecond
		for range 50 { // the jitter is random: sample it
			probe := b
			d := probe.next()
			if d < ceil/2 || d > ceil {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", i+1, d, ceil/2, ceil)
			}
		}
		b.next()
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Errorf("after reset: wait %v, want at most min", d)
	}
}

func TestEnquireLinkIsSent(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv.Addr())
	cfg.EnquireLink = 20 * time.Millisecond
	c := startClient(t, cfg, nil, nil)
	connected(t, c)
	if err := srv.Wait(ctxFor(t), func() bool { return srv.EnquireLinks() >= 3 }); err != nil {
		t.Fatal(err)
	}
	if srv.Binds() != 1 {
		t.Errorf("%d binds; enquire_link must keep the one link", srv.Binds())
	}
}

func TestRunUnbindsWhenCancelled(t *testing.T) {
	srv := newServer(t)
	c := New(testConfig(srv.Addr()), testLogger(t), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	connected(t, c)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	if c.Connected() {
		t.Error("Connected() after Run returned")
	}
	if n := srv.Unbinds(); n != 1 {
		t.Errorf("SMSC got %d unbind, want 1", n)
	}
	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1)); !errors.Is(err, ErrNoLink) {
		t.Errorf("Submit after Run: err = %v, want ErrNoLink", err)
	}
}

func TestNoAddressMeansNoLink(t *testing.T) {
	c := startClient(t, Config{}, nil, nil)
	_, err := c.Submit(ctxFor(t), push("+447700900456", seg1))
	if !errors.Is(err, ErrNoLink) || !Temporary(err) {
		t.Errorf("err = %v, want temporary ErrNoLink", err)
	}
	if c.Connected() {
		t.Error("Connected() = true without an address")
	}
}
