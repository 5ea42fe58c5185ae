package smpp

import (
	"bytes"
	"context"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// Segments of the two-SMS push in mms-encoding.md §9: the UDH carries the
// WAP Push ports and an 8-bit concatenation reference 0x42.
var (
	seg1 = mustHex("0b05040b8423f0" + "00034202" + "01" + "010603beaf848c82" + strings.Repeat("ab", 120)) // 140 octets
	seg2 = mustHex("0b05040b8423f0" + "00034202" + "02" + strings.Repeat("cd", 49))                       // 61 octets
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// testConfig is fast: tests wait tens of milliseconds, not seconds.
func testConfig(addr string) Config {
	return Config{
		Address:          addr,
		SystemID:         "mmsc",
		Password:         "secret",
		SubmitsPerSecond: -1,
		ReconnectMin:     10 * time.Millisecond,
		ReconnectMax:     50 * time.Millisecond,
		SubmitTimeout:    5 * time.Second,
	}
}

// testLogger logs through t, so output shows only for failing or -v runs.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newServer(t testing.TB) *smsctest.Server {
	t.Helper()
	s := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(s.Close)
	return s
}

// startClient runs a client until the test ends, and checks that Run
// returns nil once cancelled.
func startClient(t testing.TB, cfg Config, log *slog.Logger, onReceipt func(Receipt)) *Client {
	t.Helper()
	if log == nil {
		log = testLogger(t)
	}
	c := New(cfg, log, onReceipt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return c
}

// ctxFor bounds a test step; a hung step fails instead of hanging go test.
func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func connected(t testing.TB, c *Client) {
	t.Helper()
	if err := c.WaitConnected(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
}

func push(to string, segs ...[]byte) Message {
	return Message{To: to, Segments: segs, DataCoding: 0x04}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
