package httpserver

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmsc-project/mmsc/internal/connlimit"
)

// refusal is what a connection beyond the caps is told. It goes out before
// the request is read, so it cannot depend on it.
const refusal = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Connection: close\r\n" +
	"Retry-After: 1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 21\r\n" +
	"\r\n" +
	"too many connections\n"

// quietFor is how long a new connection may have sent nothing before it
// counts as idle: a real client's request is read well within it.
const quietFor = time.Second

type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := connlimit.RemoteIP(c)
		if !l.s.admit(ip) {
			if l.s.cfg.Observer != nil {
				l.s.cfg.Observer.TurnedAway()
			}
			// Best effort, and never a wait in the accept loop.
			c.SetWriteDeadline(time.Now().Add(time.Second))
			c.Write([]byte(refusal))
			c.Close()
			continue
		}
		tc := &conn{Conn: c, ip: ip, s: l.s}
		tc.quiet(http.StateNew)
		l.s.conns.add(tc)
		return tc, nil
	}
}

// admit takes a slot for a connection from ip, closing idle connections to
// make room; false when every slot that could be freed is busy.
func (s *Server) admit(ip netip.Addr) bool {
	for {
		full := s.limits.Acquire(ip)
		if full == connlimit.NotFull {
			return true
		}
		var from *netip.Addr
		if full == connlimit.AddrFull {
			from = &ip
		}
		victim := s.conns.idlest(from, time.Now())
		if victim == nil {
			return false
		}
		victim.Close() // gives its slot back before the next Acquire
	}
}

// conn is an admitted connection: it holds a slot until closed, paces the
// writes of replies, and knows whether it is idle.
type conn struct {
	net.Conn
	ip netip.Addr
	s  *Server

	state atomic.Int32 // http.ConnState
	since atomic.Int64 // unix nanoseconds of the last change to New or Idle
	heard atomic.Bool  // a byte has arrived since then
	once  sync.Once
}

func (c *conn) quiet(st http.ConnState) {
	c.heard.Store(false)
	c.since.Store(time.Now().UnixNano())
	c.state.Store(int32(st))
}

// idle says whether closing c now loses nothing: it waits for a request
// and none of one has arrived.
func (c *conn) idle(now time.Time) bool {
	if c.heard.Load() {
		return false
	}
	switch http.ConnState(c.state.Load()) {
	case http.StateIdle:
		return true
	case http.StateNew:
		return now.Sub(time.Unix(0, c.since.Load())) >= quietFor
	}
	return false
}

func (c *conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.heard.Store(true)
	}
	return n, err
}

// Write sends b a window at a time, each within StallTimeout, so that a
// client that stops reading is let go once the socket buffers are full.
func (c *conn) Write(b []byte) (int, error) {
	window := c.s.window()
	written := 0
	for written < len(b) {
		end := min(written+window, len(b))
		c.Conn.SetWriteDeadline(time.Now().Add(c.s.cfg.StallTimeout))
		n, err := c.Conn.Write(b[written:end])
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.s.conns.remove(c)
		c.s.limits.Release(c.ip)
	})
	return err
}

// connSet is every admitted connection, for finding one to close.
type connSet struct {
	mu  sync.Mutex
	all map[*conn]struct{}
}

func newConnSet() *connSet { return &connSet{all: make(map[*conn]struct{})} }

func (s *connSet) add(c *conn) {
	s.mu.Lock()
	s.all[c] = struct{}{}
	s.mu.Unlock()
}

func (s *connSet) remove(c *conn) {
	s.mu.Lock()
	delete(s.all, c)
	s.mu.Unlock()
}

// changed is net/http's ConnState hook.
func (s *connSet) changed(nc net.Conn, st http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	if st == http.StateIdle {
		c.quiet(st)
		return
	}
	c.state.Store(int32(st)) // Active and Hijacked are never idle
}

// idlest is the connection idle longest, from one address if from is set;
// nil if none is idle. A full listener scans every connection: a few
// thousand pointer reads, only when it is full.
func (s *connSet) idlest(from *netip.Addr, now time.Time) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *conn
	var bestSince int64
	for c := range s.all {
		if from != nil && c.ip != *from {
			continue
		}
		if !c.idle(now) {
			continue
		}
		if since := c.since.Load(); best == nil || since < bestSince {
			best, bestSince = c, since
		}
	}
	return best
}
