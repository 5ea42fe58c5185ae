package smtpd

import (
	"crypto/tls"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/mmsc-project/mmsc/internal/connlimit"
)

// limitedListener applies the server's connlimit.Limiter to a listener.
// Refused connections get a 421 before go-smtp ever sees them.
type limitedListener struct {
	net.Listener
	s       *Server
	maxLine int  // > 0: check line lengths on the socket (lineLimit)
	plain   bool // the socket carries the replies as written (no implicit TLS)
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := connlimit.RemoteIP(c)
		if l.s.limits.Acquire(ip) != connlimit.NotFull {
			// Best effort: the peer may already be gone.
			c.Write(wire(l.s.refused(reply(errTooManyConns))))
			c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, ip: ip, limits: l.s.limits}
		tc.plain = l.plain
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
	limits     *connlimit.Limiter
	lines      *lineLimit // nil: go-smtp checks line lengths itself
	plain      bool       // correct go-smtp's reply codes as they are written (fixReplies)
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
	if c.plain {
		// The replies are on this connection as written. Under TLS
		// (implicit, or after STARTTLS) they are not, nothing matches, and
		// go-smtp's codes stand.
		b = fixReplies(b)
	}
	n, err := c.Conn.Write(b)
	if c.closeAfter.Load() {
		c.Close()
	}
	return n, err
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.limits.Release(c.ip) })
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
