package smpp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp/pdu"
	"golang.org/x/time/rate"
)

// Client is an SMPP transceiver. Run keeps its link; Submit sends over it.
// All methods are safe for concurrent use.
type Client struct {
	cfg       Config
	log       *slog.Logger
	onReceipt func(Receipt)

	limiter   *rate.Limiter
	window    chan struct{} // one slot per submit_sm awaiting its response
	source    pdu.Address
	sourceErr error // a bad Config.SourceAddr fails every Submit, permanently

	link    atomic.Pointer[link] // nil while not bound
	running atomic.Bool

	linkMu      sync.Mutex
	linkChanged chan struct{} // closed and replaced whenever link is set
}

// New returns a client for cfg; nothing is dialled until Run. onReceipt,
// which may be nil, is called for every delivery receipt on the link's
// reader goroutine: it must return quickly (hand the receipt to a queue or
// a store), because until it does no submit_sm_resp is read and the
// deliver_sm is not acknowledged.
func New(cfg Config, log *slog.Logger, onReceipt func(Receipt)) *Client {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg:       cfg,
		log:       log.With("smsc", cfg.Address),
		onReceipt: onReceipt,
		limiter:   newLimiter(cfg.SubmitsPerSecond),
		window:    make(chan struct{}, cfg.Window),

		linkChanged: make(chan struct{}),
	}
	c.source, c.sourceErr = sourceAddress(cfg.SourceAddr)
	return c
}

// newLimiter allows perSecond submit_sm with a burst of one: SMSCs count
// per second or over a sliding window, and an even spacing satisfies both.
func newLimiter(perSecond int) *rate.Limiter {
	if perSecond < 0 {
		return rate.NewLimiter(rate.Inf, math.MaxInt)
	}
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

// Connected reports whether a bound link exists at this moment.
func (c *Client) Connected() bool { return c.link.Load() != nil }

// WaitConnected blocks until a bound link exists or ctx ends: for start-up
// ordering and tests, not for each Submit (Submit fails fast instead).
func (c *Client) WaitConnected(ctx context.Context) error {
	for {
		c.linkMu.Lock()
		changed := c.linkChanged
		c.linkMu.Unlock()
		if c.Connected() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("smpp: waiting for a bound link: %w", context.Cause(ctx))
		}
	}
}

// setLink publishes the bound link (nil: none) and wakes WaitConnected.
// It only replaces old; unbind may already have withdrawn it.
func (c *Client) setLink(old, l *link) {
	c.linkMu.Lock()
	defer c.linkMu.Unlock()
	if c.link.CompareAndSwap(old, l) {
		if c.cfg.Observer != nil { // first, so that whoever WaitConnected wakes finds it told
			c.cfg.Observer.Linked(l != nil)
		}
		close(c.linkChanged)
		c.linkChanged = make(chan struct{})
	}
}

// Run binds to the SMSC and keeps the link until ctx ends: it answers and
// sends enquire_link, and rebinds with exponential backoff when the SMSC is
// absent, refuses the bind or drops the link. When ctx ends it unbinds and
// returns nil. With no Config.Address it just waits for ctx.
func (c *Client) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("smpp: Run is already running")
	}
	defer c.running.Store(false)

	if c.cfg.Address == "" {
		c.log.Info("smpp: no SMSC configured; every submit fails with ErrNoLink")
		<-ctx.Done()
		return nil
	}
	b := backoff{min: c.cfg.ReconnectMin, max: c.cfg.ReconnectMax}
	for {
		l, err := c.bind(ctx)
		if ctx.Err() != nil {
			if l != nil {
				l.kill(context.Cause(ctx))
			}
			return nil
		}
		if err != nil {
			wait := b.next()
			c.log.Warn("smpp: bind failed", "system_id", c.cfg.SystemID, "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return nil
			}
			continue
		}
		b.reset()
		c.log.Info("smpp: bound as transceiver", "system_id", c.cfg.SystemID)

		c.setLink(nil, l)
		err = c.serve(ctx, l)
		c.setLink(l, nil)
		if ctx.Err() != nil {
			c.log.Info("smpp: unbound")
			return nil
		}
		wait := b.next()
		c.log.Warn("smpp: link lost", "err", err, "rebind_in", wait)
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// serve runs one bound link until it fails or ctx ends.
func (c *Client) serve(ctx context.Context, l *link) error {
	readDone := make(chan error, 1)
	go func() { readDone <- c.readLoop(l) }()

	tick := time.NewTicker(c.cfg.EnquireLink)
	defer tick.Stop()
	for {
		select {
		case err := <-readDone:
			l.kill(err)
			return err
		case <-tick.C:
			if _, err := l.request(pdu.NewEnquireLink()); err != nil {
				<-readDone
				return err
			}
		case <-ctx.Done():
			c.unbind(l, readDone)
			return ctx.Err()
		}
	}
}

// unbindWait bounds how long shutdown waits for unbind_resp.
const unbindWait = 2 * time.Second

// unbind ends the session politely (SMPP v3.4 §4.2). New submits are
// refused first; responses to submits already written are still read until
// unbind_resp arrives, and whatever is still outstanding then fails with
// ErrLinkDropped.
func (c *Client) unbind(l *link, readDone <-chan error) {
	c.setLink(l, nil)
	if _, err := l.request(pdu.NewUnbind()); err == nil {
		t := time.NewTimer(min(unbindWait, c.cfg.SubmitTimeout))
		defer t.Stop()
		select {
		case <-l.unbound:
		case err := <-readDone:
			l.kill(err)
			return
		case <-t.C:
			c.log.Warn("smpp: no unbind_resp; closing the link anyway")
		}
	}
	l.kill(errors.New("smpp: unbound"))
	<-readDone
}
