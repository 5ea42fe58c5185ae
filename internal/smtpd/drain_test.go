package smtpd_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// TestShutdownTellsIdleSessions: when the server stops, a session waiting
// for a command is answered 421 at once; a message in hand is finished and
// answered 250, and the session is told 421 right after it, without
// waiting for its next command; a new connection is told 421; Shutdown
// then returns.
func TestShutdownTellsIdleSessions(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	idle := dial(t, ts.addr)
	idle.expect("220 ")
	idle.send("EHLO vasp.example.com")
	idle.reply()

	seed := seedMessage(t)
	busy := dial(t, ts.addr)
	busy.login("test", "test")
	busy.startData()
	half := len(seed) / 2
	io.WriteString(busy.conn, seed[:half])
	time.Sleep(200 * time.Millisecond) // the server has read it

	done := make(chan error, 1)
	start := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		done <- ts.srv.Shutdown(ctx)
	}()
	idle.expect("421 4.3.2 ")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the idle session was told after %v, want at once", d)
	}
	if !idle.closed() {
		t.Error("the idle session is still open after its 421")
	}

	if c, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		b, _ := io.ReadAll(io.LimitReader(c, 100))
		if len(b) > 0 && !strings.HasPrefix(string(b), "421 ") {
			t.Errorf("a new connection while stopping was answered %q, want 421 or nothing", b)
		}
		c.Close()
	}

	io.WriteString(busy.conn, seed[half:]+".\r\n")
	busy.expect("250 Message Accepted")
	busy.expect("421 4.3.2 ")
	if !busy.closed() {
		t.Error("the session is still open after its message's 250 and the 421")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown still waits after every session ended")
	}
}

// TestShutdownTellsIdleSessionsOverTLS: the 421 reaches an idle session
// over every transport, readable through its TLS layer, and Shutdown
// returns once they are gone.
func TestShutdownTellsIdleSessionsOverTLS(t *testing.T) {
	for _, tr := range transports() {
		t.Run(tr.name, func(t *testing.T) {
			ts := tr.start(t)
			idle := tr.open(t, ts)
			idle.send("EHLO vasp.example.com")
			idle.reply()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- ts.srv.Shutdown(ctx) }()
			idle.expect("421 4.3.2 ")
			if !idle.closed() {
				t.Error("the idle session is still open after its 421")
			}
			if err := <-done; err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		})
	}
}

// TestShutdownClosesTLSHandshakes: a connection to the implicit-TLS port
// that has not finished its handshake has nothing it could read yet; the
// stop closes it rather than wait out the handshake's timeout.
func TestShutdownClosesTLSHandshakes(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.TLS = selfSigned(t) })
	c, err := net.Dial("tcp", ts.tlsAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(200 * time.Millisecond) // accepted, waiting for a ClientHello
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read %d bytes, %v; want the connection closed", n, err)
	}
}
