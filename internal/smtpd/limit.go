package smtpd

import (
	"crypto/tls"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// connLimiter caps connections per remote address and in total. Refused
// connections get a 421 before go-smtp ever sees them, so a flood from one
// address cannot starve the others.
type connLimiter struct {
	perIP, total int

	mu     sync.Mutex
	count  int
	byAddr map[netip.Addr]int
}

func newConnLimiter(perIP, total int) *connLimiter {
	return &connLimiter{perIP: perIP, total: total, byAddr: make(map[netip.Addr]int)}
}

func (l *connLimiter) acquire(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if (l.total > 0 && l.count >= l.total) || (l.perIP > 0 && l.byAddr[ip] >= l.perIP) {
		return false
	}
	l.count++
	l.byAddr[ip]++
	return true
}

func (l *connLimiter) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count--
	if l.byAddr[ip]--; l.byAddr[ip] <= 0 {
		delete(l.byAddr, ip)
	}
}

// limitedListener applies a connLimiter to a listener.
type limitedListener struct {
	net.Listener
	limits  *connLimiter
	maxLine int // > 0: check line lengths on the socket (lineLimit)
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		if !l.limits.acquire(ip) {
			// Best effort: the peer may already be gone.
			c.Write([]byte("421 4.7.0 Too many connections, try again later\r\n"))
			c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, ip: ip, limits: l.limits}
		if l.maxLine > 0 {
			tc.lines = &lineLimit{max: l.maxLine}
		}
		return tc, nil
	}
}

// trackedConn releases its slot once, and can be told to close right after
// the next reply is written (421 after too many failed logins).
type trackedConn struct {
	net.Conn
	ip         netip.Addr
	limits     *connLimiter
	lines      *lineLimit // nil: go-smtp checks line lengths itself
	closeAfter atomic.Bool
	once       sync.Once
}

func (c *trackedConn) Read(b []byte) (int, error) {
	if c.lines == nil {
		return c.Conn.Read(b)
	}
	if c.lines.err != nil {
		return 0, c.lines.err
	}
	n, err := c.Conn.Read(b)
	if lerr := c.lines.check(b[:n]); lerr != nil {
		return 0, lerr // what go-smtp's check does: the whole read is refused
	}
	return n, err
}

func (c *trackedConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if c.closeAfter.Load() {
		c.Close()
	}
	return n, err
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.limits.release(c.ip) })
	return err
}

// closeAfterReply arranges for conn, or the connection under its TLS layer,
// to close once the next reply is out.
func closeAfterReply(conn net.Conn) {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if t, ok := conn.(*trackedConn); ok {
		t.closeAfter.Store(true)
	}
}

// remoteIP is the peer address without port; IPv4-mapped IPv6 unmapped so
// that IP accounts written as 192.0.2.7 match.
func remoteIP(c net.Conn) netip.Addr {
	if c == nil {
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
