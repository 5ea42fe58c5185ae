package smpp

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestLimiterConfiguration(t *testing.T) {
	tests := []struct {
		perSecond int
		limit     rate.Limit
		burst     int
	}{
		{0, 100, 1}, // the default
		{5, 5, 1},
		{250, 250, 1},
	}
	for _, tt := range tests {
		c := New(Config{SubmitsPerSecond: tt.perSecond}, nil, nil)
		if c.limiter.Limit() != tt.limit || c.limiter.Burst() != tt.burst {
			t.Errorf("SubmitsPerSecond %d: limit %v burst %d, want %v %d",
				tt.perSecond, c.limiter.Limit(), c.limiter.Burst(), tt.limit, tt.burst)
		}
	}
	if c := New(Config{SubmitsPerSecond: -1}, nil, nil); c.limiter.Limit() != rate.Inf {
		t.Errorf("SubmitsPerSecond -1: limit %v, want no limit", c.limiter.Limit())
	}
}

// Every segment takes a token. With 20/s and a burst of one, the fifth
// segment cannot leave before 4 × 50 ms. Only this lower bound is checked:
// it holds however slow the machine is, so the test cannot flake.
func TestSubmitsPerSecondIsRespected(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv.Addr())
	cfg.SubmitsPerSecond = 20
	c := startClient(t, cfg, nil, nil)
	connected(t, c)

	start := time.Now()
	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1, seg2)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1)); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 200*time.Millisecond-time.Millisecond {
		t.Errorf("5 segments at 20/s took %v, want at least 200ms", d)
	}
}
