package smtpd

import (
	"crypto/tls"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

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
		account, err := l.s.admit(ip)
		if err != nil {
			// Best effort: the peer may already be gone.
			c.Write(wire(l.s.refused(reply(err))))
			c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, ip: ip, limits: l.s.limits, account: account}
		tc.plain = l.plain
		tc.sessions = &l.s.sessions
		if !l.s.sessions.add(tc) {
			c.SetWriteDeadline(time.Now().Add(time.Second))
			c.Write([]byte(shuttingDown))
			tc.Close()
			continue
		}
		if l.maxLine > 0 {
			tc.lines = &lineLimit{max: l.maxLine}
		}
		return tc, nil
	}
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

// trackedConn releases its slot once, and can be told to close right after
// the next reply is written (421 after too many failed logins).
type trackedConn struct {
	net.Conn
	ip         netip.Addr
	limits     *connlimit.Limiter
	slot       sync.Mutex // over account and released
	account    string     // the account whose slot it holds; "" = ip's
	released   bool
	lines      *lineLimit // nil: go-smtp checks line lengths itself
	plain      bool       // correct go-smtp's reply codes as they are written (fixReplies)
	closeAfter atomic.Bool
	once       sync.Once
	tap        dataTap // where the dialogue is, to read messages past go-smtp (plain only)

	// busy: a command's bytes have been read and its reply not yet
	// written; inData: the session is taking a message. Either keeps the
	// session from being closed as idle when the server stops.
	mu       sync.Mutex
	busy     bool
	inData   bool
	sessions *sessions
}

// closeIfIdle answers 421 and closes c if it waits for a command.
func (c *trackedConn) closeIfIdle() {
	c.mu.Lock()
	idle := !c.busy && !c.inData
	if idle {
		c.Conn.Write([]byte(shuttingDown))
	}
	c.mu.Unlock()
	if idle {
		c.Close()
	}
}

// taking marks c as taking a message (Session.Data), or no longer.
func (c *trackedConn) taking(on bool) {
	c.mu.Lock()
	c.inData = on
	c.mu.Unlock()
}

func (c *trackedConn) Read(b []byte) (int, error) {
	if len(c.tap.pending) > 0 {
		n := copy(b, c.tap.pending)
		c.tap.pending = c.tap.pending[n:]
		return n, nil
	}
	n, err := c.read(b)
	if n > 0 {
		c.markBusy()
		if c.plain && c.lines != nil {
			// The message can be read past go-smtp only where this
			// connection sees it and checks its lines (lineLimit).
			c.tap.sawRead(b[:n])
		}
	}
	return n, err
}

// markBusy notes that a command's (or a message's) bytes are in hand.
func (c *trackedConn) markBusy() {
	c.mu.Lock()
	c.busy = true
	c.mu.Unlock()
}

func (c *trackedConn) read(b []byte) (int, error) {
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
		c.tap.sawReply(b)
	}
	c.mu.Lock()
	n, err := c.Conn.Write(b)
	c.busy = false // a reply is out: the session waits for its next command
	c.mu.Unlock()
	if c.closeAfter.Load() {
		c.Close()
	}
	return n, err
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.slot.Lock()
		c.released = true
		if c.account == "" {
			c.limits.Release(c.ip)
		} else {
			c.limits.ReleaseAccount(c.account)
		}
		c.slot.Unlock()
		if c.sessions != nil {
			c.sessions.remove(c)
		}
	})
	return err
}

// countAgainst makes c one of account's connections, of which there may be
// limit; false when account has them all, and c stays as it was.
func (c *trackedConn) countAgainst(account string, limit int) bool {
	c.slot.Lock()
	defer c.slot.Unlock()
	if c.released {
		return true // closed already: nothing to count
	}
	if c.limits.MoveToAccount(c.ip, c.account, account, limit) != connlimit.NotFull {
		return false
	}
	c.account = account
	return true
}

// closeAfterReply arranges for conn, or the connection under its TLS layer,
// to close once the next reply is out.
func closeAfterReply(conn net.Conn) {
	if t := tracked(conn); t != nil {
		t.closeAfter.Store(true)
	}
}

// tracked is the trackedConn under conn, or under its TLS layer; nil if
// there is none.
func tracked(conn net.Conn) *trackedConn {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	t, _ := conn.(*trackedConn)
	return t
}
