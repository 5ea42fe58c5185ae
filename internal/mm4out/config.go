package mm4out

import "time"

// Config sets the Client's timeouts and pool sizes. Zero values take the
// defaults named on each field.
type Config struct {
	// DialTimeout bounds the TCP connect (default 10s).
	DialTimeout time.Duration
	// CommandTimeout bounds the wait for each reply, the greeting, the TLS
	// handshake and the reply to DATA's 354 (default 1m; RFC 5321 §4.5.3.2
	// allows 5m, but a peer slower than a minute is better retried later).
	CommandTimeout time.Duration
	// DataTimeout bounds writing the message and, separately, the wait for
	// the reply after the final dot (default 5m).
	DataTimeout time.Duration
	// MaxIdlePerPeer is how many idle connections are kept per Peer.Addr
	// for reuse (default 4; negative keeps none: a connection per message).
	MaxIdlePerPeer int
	// IdleTimeout closes a connection idle this long (default 30s). Every
	// reuse first checks the connection with NOOP, since a peer may close
	// sooner than that.
	IdleTimeout time.Duration
	// MaxConnsPerPeer caps the connections open to one Peer.Addr, idle or
	// busy (default 16). Send waits for a slot as long as its context
	// allows.
	MaxConnsPerPeer int
}

// Defaults of Config.
const (
	DefaultDialTimeout     = 10 * time.Second
	DefaultCommandTimeout  = time.Minute
	DefaultDataTimeout     = 5 * time.Minute
	DefaultMaxIdlePerPeer  = 4
	DefaultIdleTimeout     = 30 * time.Second
	DefaultMaxConnsPerPeer = 16
)

// quitTimeout bounds the QUIT sent when a connection is retired: it is a
// courtesy, and Close must not hang on a peer that stopped answering.
const quitTimeout = 5 * time.Second

// withDefaults fills in zero fields; a negative MaxIdlePerPeer becomes 0.
func (cfg Config) withDefaults() Config {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.CommandTimeout <= 0 {
		cfg.CommandTimeout = DefaultCommandTimeout
	}
	if cfg.DataTimeout <= 0 {
		cfg.DataTimeout = DefaultDataTimeout
	}
	switch {
	case cfg.MaxIdlePerPeer == 0:
		cfg.MaxIdlePerPeer = DefaultMaxIdlePerPeer
	case cfg.MaxIdlePerPeer < 0:
		cfg.MaxIdlePerPeer = 0
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxConnsPerPeer <= 0 {
		cfg.MaxConnsPerPeer = DefaultMaxConnsPerPeer
	}
	return cfg
}
