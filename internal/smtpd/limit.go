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
		account, err := l.s.admit(ip)
		if err != nil {
			refusal := wire(l.s.refused(reply(err)))
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
		tc.account = account
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

// admit takes a slot for a new connection from ip: one of ip's, or, when
// ip has all its own, one of the IP account's it names if that account
// holds sessions already (the account it is then counted against).
func (s *Server) admit(ip netip.Addr) (account string, err error) {
	switch s.limits.Acquire(ip) {
	case connlimit.NotFull:
		return "", nil
	case connlimit.AddrFull:
		switch s.limits.AcquireAccount(ip.String()) {
		case connlimit.NotFull:
			return ip.String(), nil
		case connlimit.AccountFull:
			return "", errAccountConns
		}
	}
	return "", errTooManyConns
}
