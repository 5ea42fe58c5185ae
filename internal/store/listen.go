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
// on. The schema's name completes it: nodes share a schema, and two
// installations in two schemas of one database do not wake each other.
const workChannel = "mmsc_work_"

// Reconnection backoff of the listener.
const (
	listenRetryMin = 500 * time.Millisecond
	listenRetryMax = 30 * time.Second
)

// AllRoutes is what OnWork is told when this node may have missed
// announcements (its connection for them was lost and is back): work may
// be due on any route.
const AllRoutes mms.Route = "*"

// listener is a node's side of LISTEN/NOTIFY: it announces the routes of
// work this node wrote, and hands on what other nodes announce. Announcing
// never holds up a write: routes are collected and sent by a goroutine of
// its own, so a burst of accepts costs one notification per route per
// round trip, not one per message. A lost notification costs nothing but
// time: every queue also polls (queue.Config.MaxIdle).
type listener struct {
	channel string
	cfg     *pgx.ConnConfig
	send    *sql.DB
	wake    func(mms.Route)
	log     *slog.Logger

	mu      sync.Mutex
	pending []mms.Route
	kick    chan struct{}
	ready   chan struct{} // closed once the first LISTEN is in place
	once    sync.Once

	cancel context.CancelFunc
	done   sync.WaitGroup
}

func newListener(channel string, cfg *pgx.ConnConfig, send *sql.DB, wake func(mms.Route), log *slog.Logger) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{channel: channel, cfg: cfg, send: send, wake: wake, log: log,
		kick: make(chan struct{}, 1), ready: make(chan struct{}), cancel: cancel}
	l.done.Add(2)
	go func() { defer l.done.Done(); l.listen(ctx) }()
	go func() { defer l.done.Done(); l.announceLoop(ctx) }()
	return l
}

// announce queues routes to be announced to the other nodes.
func (l *listener) announce(routes ...mms.Route) {
	l.mu.Lock()
	for _, r := range routes {
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
		routes := l.pending
		l.pending = nil
		l.mu.Unlock()
		for _, r := range routes {
			if _, err := l.send.ExecContext(ctx, `SELECT pg_notify($1, $2)`, l.channel, string(r)); err != nil && ctx.Err() == nil {
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
		l.wake(AllRoutes)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		l.wake(mms.Route(n.Payload))
	}
}

func (l *listener) stop() {
	l.cancel()
	l.done.Wait()
}

// announce tells the other nodes sharing the database that work on routes
// is due; a no-op on SQLite.
func (s *Store) announce(routes ...mms.Route) {
	if s.listen != nil && len(routes) > 0 {
		s.listen.announce(routes...)
	}
}
