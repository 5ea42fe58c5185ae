package connlimit

import "net/netip"

// Accounts: a connection that turns out to be an account's (it logged in,
// or its address names one) counts against the account's cap instead of
// its address's, so that one client with many sessions from one address is
// held to what its account allows, and an address shared by several
// accounts does not hold each to the address's cap. Every connection
// counts against the total, however it is counted.

// accountCount is an account's open connections and the cap it was last
// given.
type accountCount struct{ open, max int }

// MoveToAccount counts a connection from ip that holds one of ip's slots
// (from "") or one of account from's as one of account to's instead, which
// may hold at most limit (0: no cap). AccountFull leaves it as it was. A
// connection already to's only gives the account its cap anew.
func (l *Limiter) MoveToAccount(ip netip.Addr, from, to string, limit int) Full {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.byAccount[to]
	c.max = limit
	if from != to {
		if limit > 0 && c.open >= limit {
			return AccountFull
		}
		if from == "" {
			l.leaveAddr(ip)
		} else {
			l.leaveAccount(from)
		}
		c.open++
	}
	l.byAccount[to] = c
	return NotFull
}

// AcquireAccount takes a slot of account's for a new connection, one known
// to be the account's before it says so (its address names the account):
// AccountUnknown when the account holds no connection, and so no cap is
// known, else as Acquire.
func (l *Limiter) AcquireAccount(account string) Full {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.byAccount[account]
	switch {
	case !ok:
		return AccountUnknown
	case c.max > 0 && c.open >= c.max:
		return AccountFull
	case l.total > 0 && l.count >= l.total:
		return AllFull
	}
	c.open++
	l.byAccount[account] = c
	l.count++
	return NotFull
}

// ReleaseAccount gives back a slot of account's.
func (l *Limiter) ReleaseAccount(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count--
	l.leaveAccount(account)
}

func (l *Limiter) leaveAccount(account string) {
	c := l.byAccount[account]
	if c.open--; c.open <= 0 {
		delete(l.byAccount, account) // and its cap: the next move says it again
		return
	}
	l.byAccount[account] = c
}
