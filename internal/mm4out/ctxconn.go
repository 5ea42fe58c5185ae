package mm4out

import (
	"context"
	"net"
	"sync"
	"time"
)

// ctxConn is the TCP connection under every session. go-smtp sets a
// deadline around each command but knows nothing of contexts, so ctxConn
// holds the context of the Send in progress: every deadline go-smtp (or
// crypto/tls) sets is clamped to that context's deadline, and when the
// context is cancelled the deadline moves into the past, which ends any
// blocked read or write at once. Such a connection is then out of step and
// is closed by the caller, like after any other network error.
type ctxConn struct {
	net.Conn

	mu        sync.Mutex
	limit     time.Time // the bound context's deadline; zero if none
	cancelled bool
	gen       int // bumped by bind and unbind, so a late cancel of an old context is ignored
	stop      func() bool
}

// bind makes ctx govern the connection until unbind.
func (c *ctxConn) bind(ctx context.Context) {
	c.mu.Lock()
	c.gen++
	gen := c.gen
	c.limit, _ = ctx.Deadline()
	c.cancelled = false
	c.mu.Unlock()
	c.stop = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			c.cancelled = true
			c.Conn.SetDeadline(time.Unix(1, 0))
		}
	})
}

// unbind releases the connection from its context and clears deadlines,
// so that an idle connection in the pool carries none.
func (c *ctxConn) unbind() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.limit, c.cancelled = time.Time{}, false
	c.Conn.SetDeadline(time.Time{})
}

func (c *ctxConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.clamp(t))
}

func (c *ctxConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.clamp(t))
}

func (c *ctxConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.clamp(t))
}

// clamp returns the deadline to set instead of t; zero t means none.
func (c *ctxConn) clamp(t time.Time) time.Time {
	switch {
	case c.cancelled:
		return time.Unix(1, 0)
	case c.limit.IsZero():
		return t
	case t.IsZero() || t.After(c.limit):
		return c.limit
	}
	return t
}
