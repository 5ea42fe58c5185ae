package mm4out

import (
	"context"
	"fmt"
	"time"
)

// The pool keeps sessions open between Sends, because a new TCP connection,
// EHLO, TLS handshake and AUTH cost several round trips and most of the CPU
// of a 30 KB message (libraries.md §10.1).
//
// Connections are grouped by Peer.Addr. Every connection open to an address,
// idle or busy, takes one of its MaxConnsPerPeer slots; a Send that finds
// none free waits on the address's changed channel. Idle connections are
// reused only by a Send with the same poolKey (address, TLS mode,
// credentials, HELO), newest first so that the oldest age out, and each is
// checked with NOOP first. When every slot is held and the only idle
// connections belong to another key, the oldest of them is retired to make
// room. An idle connection is retired after IdleTimeout by its own timer.

// peerPool is the state of one address. All of it is guarded by Client.mu.
type peerPool struct {
	open    int     // connections open, idle or busy
	idle    []*conn // oldest first
	changed chan struct{}
}

func newPeerPool() *peerPool { return &peerPool{changed: make(chan struct{})} }

// signal wakes every Send waiting for this address.
func (pp *peerPool) signal() {
	close(pp.changed)
	pp.changed = make(chan struct{})
}

// takeIdle removes and returns the newest idle connection for k, or nil.
func (pp *peerPool) takeIdle(k poolKey) *conn {
	for i := len(pp.idle) - 1; i >= 0; i-- {
		if cn := pp.idle[i]; cn.key == k {
			pp.removeAt(i)
			return cn
		}
	}
	return nil
}

// takeOldest removes and returns the oldest idle connection, or nil.
func (pp *peerPool) takeOldest() *conn {
	if len(pp.idle) == 0 {
		return nil
	}
	cn := pp.idle[0]
	pp.removeAt(0)
	return cn
}

// remove takes cn out of the idle list, reporting whether it was there.
func (pp *peerPool) remove(cn *conn) bool {
	for i, x := range pp.idle {
		if x == cn {
			pp.removeAt(i)
			return true
		}
	}
	return false
}

func (pp *peerPool) removeAt(i int) {
	pp.idle[i].idleTimer.Stop() // if it already fired, expire finds cn gone
	pp.idle = append(pp.idle[:i], pp.idle[i+1:]...)
}

// acquire returns a session for p, ready for MAIL FROM: an idle one of the
// same key that answers NOOP, else a new one once a slot is free.
func (c *Client) acquire(ctx context.Context, p Peer) (*conn, error) {
	k := p.key()
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, &SendError{Stage: StageConnect, Addr: p.Addr, Err: ErrClosed, temporary: true}
		}
		pp := c.peers[k.addr]
		if pp == nil {
			pp = newPeerPool()
			c.peers[k.addr] = pp
		}
		if cn := pp.takeIdle(k); cn != nil {
			c.mu.Unlock()
			if c.alive(ctx, cn) {
				return cn, nil
			}
			c.release(cn, false)
			continue
		}
		var victim *conn
		switch {
		case pp.open < c.cfg.MaxConnsPerPeer:
			pp.open++
		case len(pp.idle) > 0:
			// Every slot is held and the idle ones are another key's:
			// retire the oldest and take over its slot.
			victim = pp.takeOldest()
		default:
			wait := pp.changed
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, &SendError{Stage: StageConnect, Addr: p.Addr,
					Err: fmt.Errorf("waiting for a connection slot: %w", context.Cause(ctx)), temporary: true}
			}
		}
		c.mu.Unlock()
		if victim != nil {
			c.hangUp(victim, true)
		}
		cn, err := c.dial(ctx, p)
		if err != nil {
			c.mu.Lock()
			c.freeSlot(k.addr, pp)
			c.mu.Unlock()
			return nil, err
		}
		return cn, nil
	}
}

// alive checks an idle session with NOOP before it is reused: the peer may
// have closed it (with or without a 421) since. A failed check costs only
// the connection; acquire moves on to another.
func (c *Client) alive(ctx context.Context, cn *conn) bool {
	cn.raw.bind(ctx)
	defer cn.raw.unbind()
	if err := cn.smtp.Noop(); err != nil {
		c.log.Debug("mm4out: idle connection gone, dropping it", "peer", cn.key.addr, "err", err)
		return false
	}
	return true
}

// release takes cn back after a Send. A session still in step goes to the
// idle list if there is room; anything else is closed and frees its slot.
func (c *Client) release(cn *conn, inStep bool) {
	c.mu.Lock()
	pp := c.peers[cn.key.addr]
	if inStep && !c.closed && len(pp.idle) < c.cfg.MaxIdlePerPeer {
		cn.idleTimer = time.AfterFunc(c.cfg.IdleTimeout, func() { c.expire(cn) })
		pp.idle = append(pp.idle, cn)
		pp.signal()
		c.mu.Unlock()
		return
	}
	c.freeSlot(cn.key.addr, pp)
	c.mu.Unlock()
	c.hangUp(cn, inStep)
}

// expire retires cn after IdleTimeout, unless it was taken meanwhile.
func (c *Client) expire(cn *conn) {
	c.mu.Lock()
	pp := c.peers[cn.key.addr]
	if pp == nil || !pp.remove(cn) {
		c.mu.Unlock()
		return
	}
	c.freeSlot(cn.key.addr, pp)
	c.mu.Unlock()
	c.log.Debug("mm4out: closing idle connection", "peer", cn.key.addr)
	c.hangUp(cn, true)
}

// freeSlot gives back one slot of addr. Called with c.mu held.
func (c *Client) freeSlot(addr string, pp *peerPool) {
	pp.open--
	pp.signal()
	if pp.open == 0 {
		delete(c.peers, addr)
	}
}
