package mm4out

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// Client sends mail to peers over pooled SMTP sessions. It is safe for
// concurrent use.
type Client struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	peers  map[string]*peerPool // by Peer.Addr
	closed bool
}

// New returns a Client with cfg (zero fields take their defaults) that logs
// to log (nil: nowhere).
func New(cfg Config, log *slog.Logger) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg.withDefaults(), log: log, peers: make(map[string]*peerPool)}
}

// Send delivers m to p in one SMTP transaction and returns the text of the
// peer's final reply after DATA (for example "2.0.0 Ok: queued as X", with
// the enhanced code if the peer sent one). It reuses an idle session to p
// when there is one, and waits for a slot when MaxConnsPerPeer sessions are
// open. ctx bounds the whole Send, waiting included.
//
// Every error is a *SendError; see there which are temporary. When only some
// recipients were refused, Send returns the reply and a *SendError with
// Partial() true: the message went to the others.
func (c *Client) Send(ctx context.Context, p Peer, m Mail) (reply string, err error) {
	p, err = p.normalized()
	if err != nil {
		return "", &SendError{Stage: StageConnect, Addr: p.Addr, Err: err}
	}
	if err := m.validate(p.Addr); err != nil {
		return "", err
	}
	cn, err := c.acquire(ctx, p)
	if err != nil {
		var se *SendError
		if errors.As(err, &se) {
			return "", withCause(ctx, se)
		}
		return "", err
	}
	reply, inStep, se := c.deliver(ctx, cn, m)
	c.release(cn, inStep)
	if se != nil {
		c.log.Debug("mm4out: send failed", "peer", p.Addr, "err", se, "temporary", se.Temporary())
		return reply, withCause(ctx, se)
	}
	return reply, nil
}

// Close retires the idle sessions (QUIT) and makes further Sends fail with
// ErrClosed. Sends in progress finish; their sessions close when they end.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	var idle []*conn
	for addr, pp := range c.peers {
		for cn := pp.takeOldest(); cn != nil; cn = pp.takeOldest() {
			idle = append(idle, cn)
			pp.open--
		}
		pp.signal()
		if pp.open == 0 {
			delete(c.peers, addr)
		}
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, cn := range idle {
		wg.Go(func() { c.hangUp(cn, true) })
	}
	wg.Wait()
	return nil
}
