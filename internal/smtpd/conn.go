package smtpd

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmsc-project/mmsc/internal/connlimit"
)

// trackedConn is the connection go-smtp is given: the socket with the TLS
// layer, implicit or after STARTTLS, inside it rather than above it, so
// that what go-smtp reads and writes passes here as plain text on every
// transport. Here go-smtp's replies are corrected as they are written
// (fixReplies), line lengths are checked as lines are read (lineLimit),
// STARTTLS is offered and done (starttls.go), an idle session is told when
// the server stops (drain.go), the connection closes right after a reply
// when told to (421 after too many failed logins), and its slot is
// released once.
type trackedConn struct {
	net.Conn // the socket: addresses and deadlines (TLS's are the socket's)
	ip       netip.Addr
	limits   *connlimit.Limiter // nil: no slot held (a connection refused)
	slot     sync.Mutex         // over account and released
	account  string             // the account whose slot it holds; "" = ip's
	released bool
	sessions *sessions
	lines    *lineLimit
	tls      *tlsLayer // nil: no TLS configured

	// Kept by go-smtp's goroutine for the connection alone: in Read,
	// Write, and the Session methods it calls.
	offer     *startTLSLine // non-nil while STARTTLS is offered: TLS configured, not yet under it
	pending   []byte        // read after a STARTTLS line, not yet given to go-smtp
	tlsEnd    bool          // the bytes last given to go-smtp ended with a STARTTLS line,
	tlsOdd    bool          // which was not the bare command
	late      bool          // AUTH or MAIL has been given: too late for STARTTLS
	needHello bool          // under TLS since STARTTLS and no EHLO yet: go-smtp's memory of the last one is stale
	refusal   []byte        // written in place of the greeting, then the connection closes
	tap       dataTap       // where the dialogue is, to read messages past go-smtp (datapath.go)

	closeAfter atomic.Bool
	once       sync.Once

	// stream carries the dialogue: the socket, or TLS over it. Changed
	// by go-smtp's goroutine, under mu, which the stop's goroutine takes
	// to write its 421. busy: a command's bytes have been read and its
	// reply not yet written; inData: the session is taking a message.
	// Either keeps the session from being closed as idle when the server
	// stops; handshaking closes it without a word.
	mu          sync.Mutex
	stream      net.Conn
	handshaking bool // TLS to start before the first reply (implicit TLS)
	secure      bool // stream is TLS
	busy        bool
	inData      bool
}

func newTrackedConn(c net.Conn, ip netip.Addr, s *Server, implicit bool) *trackedConn {
	tc := &trackedConn{
		Conn:        c,
		ip:          ip,
		limits:      s.limits,
		sessions:    &s.sessions,
		lines:       &lineLimit{max: s.cfg.MaxLineLength},
		tls:         s.tls,
		stream:      c,
		handshaking: implicit,
	}
	if s.tls != nil && !implicit {
		tc.offer = &startTLSLine{}
	}
	return tc
}

func (c *trackedConn) Read(b []byte) (int, error) {
	if len(c.tap.pending) > 0 {
		n := copy(b, c.tap.pending)
		c.tap.pending = c.tap.pending[n:]
		return n, nil
	}
	n, err := c.read(b)
	if n > 0 {
		c.tap.sawRead(b[:n])
	}
	return n, err
}

// read reads the dialogue: through TLS when under it, cut after a
// STARTTLS line while that is offered, its lines checked.
func (c *trackedConn) read(b []byte) (int, error) {
	if c.lines.err != nil {
		return 0, c.lines.err // sticky: the stream is out of step
	}
	if c.handshaking { // go-smtp greets first; this is in case it did not
		if err := c.handshake(); err != nil {
			return 0, err
		}
	}
	var n int
	var err error
	if c.offer == nil {
		n, err = c.stream.Read(b)
	} else {
		n, err = c.readOffering(b)
	}
	if n > 0 {
		if lerr := c.lines.check(b[:n]); lerr != nil {
			return 0, lerr // what go-smtp's check does: the whole read is refused
		}
		c.mu.Lock()
		c.busy = true
		c.mu.Unlock()
	}
	return n, err
}

// Write writes one reply line of go-smtp's (textproto flushes each),
// corrected, and says it wrote b whatever it put on the wire instead.
func (c *trackedConn) Write(b []byte) (int, error) {
	if c.handshaking {
		if err := c.handshake(); err != nil {
			return 0, err
		}
		if c.refusal != nil {
			c.put(c.refusal)
			c.Close()
			return 0, net.ErrClosed
		}
	}
	out := fixReplies(b)
	c.tap.sawReply(b)
	if c.tls != nil {
		switch string(b) {
		case goSMTPNoTLS:
			return c.startTLS(b)
		case ehloBeforeSTARTTLS:
			if c.offer != nil {
				out = []byte(ehloOfferingSTARTTLS)
			}
		case goSMTPNoRcpt:
			// Perhaps to a BDAT, whose chunk go-smtp then reads by its
			// count, not by lines (startTLSLine is out of step).
			c.late = true
		}
	}
	if c.needHello && isHelloReply(b) {
		c.needHello = false
	}
	_, err := c.put(out)
	if c.closeAfter.Load() {
		c.Close()
	} else if err == nil && c.sessions != nil && isFinalReply(b) && c.sessions.isStopping() {
		// The server stops and this session's command is answered: it is
		// told so now, not left to send its next one into a server that
		// waits for it (go-smtp's Shutdown waits, and says nothing).
		c.put([]byte(shuttingDown))
		c.Close()
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// put writes a reply: the session then waits for its next command.
func (c *trackedConn) put(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.stream.Write(b)
	c.busy = false
	return n, err
}

// handshake starts implicit TLS; a failure is logged and closes c.
func (c *trackedConn) handshake() error {
	budget := c.tls.readTimeout
	if c.refusal != nil {
		budget = refusalHandshake
	}
	tc, err := c.tls.handshake(c.Conn, budget)
	if err != nil {
		c.mu.Lock()
		c.handshaking = false // the socket is closed: reads fail as such
		c.mu.Unlock()
		c.Close()
		return err
	}
	c.mu.Lock()
	c.stream, c.secure, c.handshaking = tc, true, false
	c.mu.Unlock()
	return nil
}

// refusalHandshake bounds the handshake of a connection that is only to
// be told 421: over the limits, it must not hold a goroutine for long.
const refusalHandshake = 10 * time.Second

func (c *trackedConn) Close() error {
	c.mu.Lock()
	s := c.stream // TLS says close_notify before the socket closes
	c.mu.Unlock()
	err := s.Close()
	c.once.Do(func() {
		if c.limits != nil {
			c.slot.Lock()
			c.released = true
			if c.account == "" {
				c.limits.Release(c.ip)
			} else {
				c.limits.ReleaseAccount(c.account)
			}
			c.slot.Unlock()
		}
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
	if c.released || c.limits == nil {
		return true // closed already, or holding no slot: nothing to count
	}
	if c.limits.MoveToAccount(c.ip, c.account, account, limit) != connlimit.NotFull {
		return false
	}
	c.account = account
	return true
}

// closeAfterReply arranges for conn to close once the next reply is out.
func closeAfterReply(conn net.Conn) {
	if t := tracked(conn); t != nil {
		t.closeAfter.Store(true)
	}
}

// tracked is conn as the trackedConn it is; nil if it is not one.
func tracked(conn net.Conn) *trackedConn {
	t, _ := conn.(*trackedConn)
	return t
}

// tlsLayer is the server side of TLS as the listener does it, for implicit
// TLS and STARTTLS alike.
type tlsLayer struct {
	config       *tls.Config
	readTimeout  time.Duration
	writeTimeout time.Duration
	log          *slog.Logger
}

// handshake puts TLS over the socket c within the server's timeouts (read
// at most within read). A failure is logged; the caller closes c.
func (l *tlsLayer) handshake(c net.Conn, read time.Duration) (*tls.Conn, error) {
	tc := tls.Server(c, l.config)
	now := time.Now()
	c.SetReadDeadline(now.Add(read))
	c.SetWriteDeadline(now.Add(l.writeTimeout))
	if err := tc.Handshake(); err != nil {
		if !errors.Is(err, net.ErrClosed) { // closed by us: the server stops
			l.log.Warn("TLS handshake failed", "remote", c.RemoteAddr().String(), "err", err)
		}
		return nil, err
	}
	return tc, nil
}
