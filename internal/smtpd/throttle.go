package smtpd

import (
	"net/netip"
	"sync"
	"time"
)

// authThrottle counts failed logins per remote address in a sliding window.
// An address that reaches the limit is refused until its oldest failure
// leaves the window, which makes online password guessing pointless.
type authThrottle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[netip.Addr][]time.Time
}

func newAuthThrottle(limit int, window time.Duration, now func() time.Time) *authThrottle {
	return &authThrottle{limit: limit, window: window, now: now, failures: make(map[netip.Addr][]time.Time)}
}

// blocked reports whether ip has used up its failures.
func (t *authThrottle) blocked(ip netip.Addr) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(ip)) >= t.limit
}

// fail records a failure and reports whether ip is now blocked.
func (t *authThrottle) fail(ip netip.Addr) bool {
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
func (t *authThrottle) recent(ip netip.Addr) []time.Time {
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
func (t *authThrottle) prune() {
	for ip := range t.failures {
		t.recent(ip)
	}
}
