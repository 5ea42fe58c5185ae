package vasp

import (
	"net/netip"
	"sync"
	"time"
)

// Throttle counts failed logins per remote address in a sliding window.
// An address that reaches the limit is refused until its oldest failure
// leaves the window, which makes online password guessing pointless. One
// throttle serves every interface VASPs log in by (MM4's AUTH, MM7's HTTP
// Basic), so that guesses count together.
type Throttle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[netip.Addr][]time.Time
}

// NewThrottle allows limit failures per address within window; a limit
// of 0 or less throttles nothing. now nil means time.Now.
func NewThrottle(limit int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{limit: limit, window: window, now: now, failures: make(map[netip.Addr][]time.Time)}
}

// Blocked reports whether ip has used up its failures.
func (t *Throttle) Blocked(ip netip.Addr) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(ip)) >= t.limit
}

// Fail records a failure and reports whether ip is now blocked.
func (t *Throttle) Fail(ip netip.Addr) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	f := append(t.recent(ip), t.now())
	t.failures[ip] = f
	if len(t.failures) > 10000 {
		t.prune()
	}
	return len(f) >= t.limit
}

// recent drops failures older than the window. Callers hold mu.
func (t *Throttle) recent(ip netip.Addr) []time.Time {
	f := t.failures[ip]
	cut := t.now().Add(-t.window)
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	if i == len(f) {
		delete(t.failures, ip)
		return nil
	}
	f = f[i:]
	t.failures[ip] = f
	return f
}

// prune bounds memory under a spray of addresses. Callers hold mu.
func (t *Throttle) prune() {
	for ip := range t.failures {
		t.recent(ip)
	}
}
