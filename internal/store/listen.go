package store

import (
	"context"
	"database/sql"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// workChannel is the prefix of the PostgreSQL notification channel on
// which nodes tell each other of new work; the payload is the route it is
// on, or outboxWork. The schema's name completes it: nodes share a schema, and two
// installations in two schemas of one database do not wake each other.
const workChannel = "mmsc_work_"

// Reconnection backoff of the listener.
const (
	listenRetryMin = 500 * time.Millisecond
	listenRetryMax = 30 * time.Second
)

// outboxWork is the payload that announces mail queued in the outbox; no
// route is spelled so (route.Validate refuses ":" in names, and peer routes
// start "mm4:").
const outboxWork = "outbox"

// listener is a node's side of LISTEN/NOTIFY: it announces the payloads
// naming work this node wrote, and hands on what other nodes announce. Announcing
// never holds up a write: routes are collected and sent by a goroutine of
// its own, so a burst of accepts costs one notification per route per
// round trip, not one per message. A lost notification costs nothing but
// time: every queue also polls (queue.Config.MaxIdle).
type listener struct {
	channel string
	cfg     *pgx.ConnConfig
	send    *sql.DB
	heard   func(payload string)
	log     *slog.Logger

	mu      sync.Mutex
	pending []string
	kick    chan struct{}
	ready   chan struct{} // closed once the first LISTEN is in place
	once    sync.Once

	cancel context.CancelFunc
	done   sync.WaitGroup
}

func newListener(channel string, cfg *pgx.ConnConfig, send *sql.DB, heard func(payload string), log *slog.Logger) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{channel: channel, cfg: cfg, send: send, heard: heard, log: log,
		kick: make(chan struct{}, 1), ready: make(chan struct{}), cancel: cancel}
	l.done.Add(2)
	go func() { defer l.done.Done(); l.listen(ctx) }()
	go func() { defer l.done.Done(); l.announceLoop(ctx) }()
	return l
}

// announce queues payloads to be announced to the other nodes.
func (l *listener) announce(payloads ...string) {
	l.mu.Lock()
	for _, r := range payloads {
		if !slices.Contains(l.pending, r) {
			l.pending = append(l.pending, r)
		}
	}
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

func (l *listener) announceLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
		}
		l.mu.Lock()
		payloads := l.pending
		l.pending = nil
		l.mu.Unlock()
		for _, r := range payloads {
			if _, err := l.send.ExecContext(ctx, `SELECT pg_notify($1, $2)`, l.channel, r); err != nil && ctx.Err() == nil {
				l.log.Warn("store: could not tell other nodes of new work; they will find it when they next look",
					"route", r, "err", err)
			}
		}
	}
}

// listen holds a connection that LISTENs, reconnecting with backoff.
func (l *listener) listen(ctx context.Context) {
	wait := listenRetryMin
	for ctx.Err() == nil {
		err := l.listenOnce(ctx, func() { wait = listenRetryMin })
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("store: lost the connection that hears other nodes' work; reconnecting", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

func (l *listener) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	again := true
	l.once.Do(func() { close(l.ready); again = false })
	if again {
		// Not the first connection: announcements made while it was down
		// are lost, so every queue should look.
		l.heard(string(mms.AllRoutes))
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		l.heard(n.Payload)
	}
}

func (l *listener) stop() {
	l.cancel()
	l.done.Wait()
}

// announce tells the other nodes sharing the database that work is due
// (payloads: routes, or outboxWork); a no-op on SQLite.
func (s *Store) announce(payloads ...string) {
	if s.listen != nil && len(payloads) > 0 {
		s.listen.announce(payloads...)
	}
}

// heard wakes what another node's announcement names: the outbox, or the
// queues of a route (mms.AllRoutes when announcements may have been missed,
// which covers the outbox too).
func (s *Store) heard(payload string) {
	switch payload {
	case outboxWork:
		s.wakeOutbox()
	case string(mms.AllRoutes):
		s.wakeWork(mms.AllRoutes)
		s.wakeOutbox()
	default:
		s.wakeWork(mms.Route(payload))
	}
}
