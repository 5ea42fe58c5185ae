package smtpd

import (
	"net"
	"net/netip"
	"time"

	"github.com/mmsc-project/mmsc/internal/connlimit"
)

// limitedListener applies the server's connlimit.Limiter to a listener and
// hands go-smtp each connection as a trackedConn. Refused connections get a
// 421 instead of the greeting: at once on plain TCP, before go-smtp ever
// sees them; through TLS, which takes a handshake, in go-smtp's goroutine
// for the connection, as the first reply (see trackedConn.Write).
type limitedListener struct {
	net.Listener
	s        *Server
	implicit bool // implicit TLS (ServeTLS): TLS starts with the connection
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := connlimit.RemoteIP(c)
		if l.s.limits.Acquire(ip) != connlimit.NotFull {
			refusal := wire(l.s.refused(reply(errTooManyConns)))
			if l.implicit {
				if tc := l.refuse(c, ip, refusal); tc != nil {
					return tc, nil
				}
				continue
			}
			// Best effort: the peer may already be gone.
			c.Write(refusal)
			c.Close()
			continue
		}
		tc := newTrackedConn(c, ip, l.s, l.implicit)
		if !l.s.sessions.add(tc) {
			// Under implicit TLS there is no TLS yet to say it through,
			// and no time to start it: the client sees the close.
			if !l.implicit {
				c.SetWriteDeadline(time.Now().Add(time.Second))
				c.Write([]byte(shuttingDown))
			}
			tc.Close()
			continue
		}
		return tc, nil
	}
}

// refuse is c, over the limits, as a connection that answers the TLS
// handshake with refusal, within a short time, and closes; nil when the
// server stops, and c is closed.
func (l *limitedListener) refuse(c net.Conn, ip netip.Addr, refusal []byte) *trackedConn {
	tc := newTrackedConn(c, ip, l.s, true)
	tc.limits = nil // it holds no slot
	tc.refusal = refusal
	if !l.s.sessions.add(tc) { // counted, so that a stop can close it
		c.Close()
		return nil
	}
	return tc
}
