// Package httpserver runs the HTTP listener that handsets (MM1), Multimedia
// WAP Push pages and VASPs (MM7) share, so that no client can hold it, or
// the process's descriptors, for long.
//
// It caps connections per address and in all (connlimit). A connection
// beyond a cap first takes the place of an idle one: RFC 9112 §9.6 lets a
// server close an idle persistent connection at any time, and a client that
// has sent nothing yet is treated the same way once it has been quiet for a
// second. Only when every slot is busy is the newcomer refused, with a 503
// written before net/http sees it. Timeouts follow Apache's mod_reqtimeout
// rather than net/http's whole-request ReadTimeout: a body may take a grace
// period plus one second per MinRate bytes, so that a large upload on a slow
// link passes while a byte every few seconds does not; a reply must be taken
// by the client one window (MinRate × StallTimeout bytes) per StallTimeout,
// so that a client that stops reading is let go once the socket buffers are
// full.
package httpserver

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mmsc-project/mmsc/internal/connlimit"
)

// Config bounds the listener. Zero values take the defaults below.
type Config struct {
	MaxConns      int           // open connections in all
	MaxConnsPerIP int           // open connections from one address
	HeaderTimeout time.Duration // a request line and its headers must arrive within this
	IdleTimeout   time.Duration // a kept-alive connection with no request is closed after this
	StallTimeout  time.Duration // the grace a body gets, and how long a reply waits on the client for one window
	MinRate       int           // bytes per second a body must arrive at after the grace, and a reply be taken at
	Observer      Observer      // if set, told of every request and every connection turned away
}

// Defaults.
const (
	DefaultMaxConns      = 1000
	DefaultMaxConnsPerIP = 100
	DefaultHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout   = 30 * time.Second
	DefaultStallTimeout  = 20 * time.Second
	DefaultMinRate       = 500

	// MaxHeaderBytes bounds a request line and its headers. Handsets'
	// requests carry a few kilobytes at most (UAProf, cookies).
	MaxHeaderBytes = 64 << 10
)

func (c *Config) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxConns, DefaultMaxConns)
	def(&c.MaxConnsPerIP, DefaultMaxConnsPerIP)
	def(&c.MinRate, DefaultMinRate)
	defDur(&c.HeaderTimeout, DefaultHeaderTimeout)
	defDur(&c.IdleTimeout, DefaultIdleTimeout)
	defDur(&c.StallTimeout, DefaultStallTimeout)
}

// Server is an http.Server held to Config.
type Server struct {
	cfg    Config
	http   *http.Server
	limits *connlimit.Limiter
	conns  *connSet
}

// New serves h under cfg; log takes net/http's own complaints.
func New(h http.Handler, cfg Config, log *slog.Logger) *Server {
	cfg.defaults()
	s := &Server{cfg: cfg, limits: connlimit.New(cfg.MaxConnsPerIP, cfg.MaxConns), conns: newConnSet()}
	s.http = &http.Server{
		Handler:           paceBodies(observeRequests(h, cfg.Observer), cfg.StallTimeout, cfg.MinRate),
		ReadHeaderTimeout: cfg.HeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ConnState:         s.conns.changed,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s
}

// Serve accepts on ln until Shutdown; it returns http.ErrServerClosed then.
func (s *Server) Serve(ln net.Listener) error {
	return s.http.Serve(&listener{Listener: ln, s: s})
}

// ServeTLS accepts TLS connections on ln until Shutdown. The caps and
// timeouts hold for the connections under TLS, handshakes included.
func (s *Server) ServeTLS(ln net.Listener, cfg *tls.Config) error {
	return s.http.Serve(tls.NewListener(&listener{Listener: ln, s: s}, cfg))
}

// Shutdown stops accepting, closes idle connections and waits for busy ones
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

// window is how many bytes of a reply the client must take per StallTimeout.
func (s *Server) window() int {
	w := int(int64(s.cfg.MinRate) * int64(s.cfg.StallTimeout) / int64(time.Second))
	return max(w, 4096)
}
