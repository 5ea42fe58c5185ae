// Package connlimit caps a listener's connections per remote address and in
// total, so that one address, or a crowd, cannot take every descriptor the
// process has, and, for a listener whose clients log in, per account. It follows no wire spec: each listener says in its own
// protocol why it refused (smtpd a 421, httpserver a 503).
package connlimit

import (
	"net"
	"net/netip"
	"sync"
)

// Limiter counts open connections per address and in total. A zero cap is
// no cap.
type Limiter struct {
	perAddr, total int

	mu        sync.Mutex
	count     int
	byAddr    map[netip.Addr]int
	byAccount map[string]accountCount // account.go
}

// New is a Limiter of at most perAddr connections from one address and
// total in all.
func New(perAddr, total int) *Limiter {
	return &Limiter{perAddr: perAddr, total: total, byAddr: make(map[netip.Addr]int), byAccount: make(map[string]accountCount)}
}

// Full says which cap a new connection from ip would exceed, if any.
type Full int

const (
	NotFull        Full = iota
	AddrFull            // ip has perAddr connections open
	AllFull             // total connections are open
	AccountFull         // the account has as many connections open as it may (account.go)
	AccountUnknown      // the account holds no connection, so its cap is unknown (account.go)
)

// Acquire takes a slot for a connection from ip, or says which cap is
// reached and takes nothing.
func (l *Limiter) Acquire(ip netip.Addr) Full {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perAddr > 0 && l.byAddr[ip] >= l.perAddr {
		return AddrFull
	}
	if l.total > 0 && l.count >= l.total {
		return AllFull
	}
	l.count++
	l.byAddr[ip]++
	return NotFull
}

// Release gives back a slot taken by Acquire.
func (l *Limiter) Release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count--
	l.leaveAddr(ip)
}

func (l *Limiter) leaveAddr(ip netip.Addr) {
	if l.byAddr[ip]--; l.byAddr[ip] <= 0 {
		delete(l.byAddr, ip)
	}
}

// Open is the number of connections holding a slot.
func (l *Limiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count
}

// RemoteIP is c's peer address without port, an IPv4-mapped IPv6 address
// unmapped so that one written as 192.0.2.7 matches.
func RemoteIP(c net.Conn) netip.Addr {
	if c == nil {
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
