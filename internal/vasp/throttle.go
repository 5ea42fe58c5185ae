package vasp

import (
	"net/netip"
	"sync"
	"time"
)

// Throttle counts failed logins per remote address and account in a
// sliding window. Two limits apply, both of limit failures:
//
//   - one account from one address (a guesser, or one misconfigured client)
//     locks only that pair, and Gate still lets a password it has already
//     seen accepted through, so the owner is not shut out;
//   - failures on limit different accounts from one address (a spray)
//     block that address for everything.
//
// A blocked pair or address stays so until its oldest failure leaves the
// window. One throttle serves every interface VASPs log in by (MM4's AUTH,
// MM7's HTTP Basic), so that guesses count together.
type Throttle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[netip.Addr][]failure
}

type failure struct {
	at      time.Time
	account string
}

// NewThrottle allows limit failures per address and account, and limit
// failed accounts per address, within window; a limit of 0 or less
// throttles nothing. now nil means time.Now.
func NewThrottle(limit int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{limit: limit, window: window, now: now, failures: make(map[netip.Addr][]failure)}
}

// Sprayed reports whether ip has failed on limit different accounts.
func (t *Throttle) Sprayed(ip netip.Addr) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sprayed, _ := t.count(ip, "")
	return sprayed
}

// Locked reports whether account has used up its failures from ip.
func (t *Throttle) Locked(ip netip.Addr, account string) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, locked := t.count(ip, account)
	return locked
}

// Fail records a failure and reports whether ip, or account from ip, is
// now blocked.
func (t *Throttle) Fail(ip netip.Addr, account string) bool {
	if t.limit <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures[ip] = append(t.recent(ip), failure{at: t.now(), account: account})
	if len(t.failures) > 10000 {
		t.prune()
	}
	sprayed, locked := t.count(ip, account)
	return sprayed || locked
}

// count says whether ip's recent failures name limit different accounts,
// and whether limit of them name account. Callers hold mu.
func (t *Throttle) count(ip netip.Addr, account string) (sprayed, locked bool) {
	f := t.recent(ip)
	if len(f) == 0 {
		return false, false // the usual login: nothing to count
	}
	accounts := make(map[string]struct{}, len(f))
	n := 0
	for _, x := range f {
		accounts[x.account] = struct{}{}
		if x.account == account {
			n++
		}
	}
	return len(accounts) >= t.limit, n >= t.limit
}

// recent drops failures older than the window. Callers hold mu.
func (t *Throttle) recent(ip netip.Addr) []failure {
	f := t.failures[ip]
	cut := t.now().Add(-t.window)
	i := 0
	for i < len(f) && !f[i].at.After(cut) {
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
