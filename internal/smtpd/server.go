package smtpd

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mmsc-project/mmsc/internal/connlimit"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Acceptor is the accept path: it takes a parsed message and returns once
// it is durable.
type Acceptor interface {
	Accept(ctx context.Context, m *mms.Message) (mms.MessageID, error)
}

// Accounts finds VASP accounts by name. It returns an error wrapping
// ErrNoAccount when there is none.
type Accounts interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// ErrNoAccount is what an Accounts implementation wraps for an unknown name;
// any other error is a temporary failure.
var ErrNoAccount = errors.New("no such account")

// Config holds the listener's policy. Zero values mean the defaults below.
type Config struct {
	LocalHost       string // greeting name; also an accepted recipient domain
	MMSDomain       string // the main accepted recipient domain
	MaxMessageBytes int64  // SIZE; 0 = 2 MiB
	MaxRecipients   int    // 0 = 100
	MaxLineLength   int    // 0 = 10000: unwrapped base64 from some peers is long
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	DataTimeout     time.Duration
	MaxConnsPerIP   int // 0 = 50; sessions not (yet) an account's
	MaxConns        int // 0 = 10000; every session
	// MaxConnsPerAccount is the sessions an account whose MaxConnections
	// is 0 may hold open; 0 = 100.
	MaxConnsPerAccount int
	AuthFailures       int           // failed logins per address and account, and failed accounts per address, per AuthWindow; 0 = 5
	AuthWindow         time.Duration // 0 = 1 minute
	TLS                *tls.Config   // enables STARTTLS and ServeTLS
	Now                func() time.Time

	// SystemUser is the local part of our MM4 system address (the
	// X-Mms-Originator-System we give peers), accepted as a recipient at
	// our domains for the responses and reports peers send back; "" =
	// "system-user".
	SystemUser string
	// Logins decides AUTH, shared with the other interfaces VASPs log in
	// by; nil: one of the server's own, throttling at AuthFailures in
	// AuthWindow.
	Logins *vasp.Gate
	// Answers records the MM4 responses and reports peers send back
	// (TS 23.140 §8.4.2–§8.4.6); nil refuses them as unsupported.
	Answers Answers
	// Observer, if set, is told of every refusal.
	Observer Observer
}

// Observer is told why each refusal was made, as reply names it: of a
// connection, a login, a sender, a recipient or a message.
type Observer interface {
	Refused(why mms.Refusal)
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = 2 << 20
	}
	if c.SystemUser == "" {
		c.SystemUser = "system-user"
	}
	def(&c.MaxRecipients, 100)
	def(&c.MaxLineLength, 10000)
	def(&c.MaxConnsPerIP, 50)
	def(&c.MaxConns, 10000)
	def(&c.MaxConnsPerAccount, 100)
	def(&c.AuthFailures, 5)
	defDur(&c.ReadTimeout, 5*time.Minute)
	defDur(&c.WriteTimeout, time.Minute)
	defDur(&c.DataTimeout, 10*time.Minute)
	defDur(&c.AuthWindow, time.Minute)
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Server is the MM4 SMTP ingress.
type Server struct {
	cfg      Config
	domains  domains
	accounts Accounts
	accept   Acceptor
	answers  *answerer // nil: responses and reports are not taken
	log      *slog.Logger
	logins   *vasp.Gate
	limits   *connlimit.Limiter
	sessions sessions // open connections, to tell the idle ones the server stops
	smtp     *smtp.Server
	tls      *tlsLayer // nil: no TLS configured
	buffers  sync.Pool // *bytes.Buffer for DATA: most messages are alike in size
}

// maxPooledBuffer keeps an occasional huge message from pinning its buffer.
const maxPooledBuffer = 4 << 20

func (s *Server) getBuffer() *bytes.Buffer {
	if b, ok := s.buffers.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return bytes.NewBuffer(make([]byte, 0, 64<<10))
}

func (s *Server) putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		s.buffers.Put(b)
	}
}

// New returns a server; call Serve (and ServeTLS) to run it.
func New(cfg Config, accounts Accounts, accept Acceptor, log *slog.Logger) *Server {
	cfg.setDefaults()
	s := &Server{
		cfg:      cfg,
		domains:  newDomains(cfg.MMSDomain, cfg.LocalHost),
		accounts: accounts,
		accept:   accept,
		log:      log,
		logins:   cfg.Logins,
		limits:   connlimit.New(cfg.MaxConnsPerIP, cfg.MaxConns),
	}
	if s.logins == nil {
		s.logins = vasp.NewGate(vasp.NewThrottle(cfg.AuthFailures, cfg.AuthWindow, cfg.Now), cfg.Now)
	}
	if cfg.Answers != nil {
		s.answers = &answerer{rec: cfg.Answers, system: cfg.SystemUser + "@" + cfg.MMSDomain, now: cfg.Now, log: log}
	}
	ss := smtp.NewServer(backend{s})
	ss.Domain = cfg.LocalHost
	ss.MaxMessageBytes = cfg.MaxMessageBytes
	ss.MaxRecipients = cfg.MaxRecipients
	// The connection checks line lengths far more cheaply than go-smtp
	// (lineLimit), below its TLS layer (trackedConn).
	ss.MaxLineLength = 0 // go-smtp: no check of its own
	ss.ReadTimeout = cfg.ReadTimeout
	ss.WriteTimeout = cfg.WriteTimeout
	ss.AllowInsecureAuth = true // VASP links are private lines; TLS is offered, not forced
	// go-smtp gets no TLSConfig: TLS is the connection's, below go-smtp,
	// so that go-smtp's bytes pass through it in the clear (trackedConn).
	if cfg.TLS != nil {
		s.tls = &tlsLayer{config: cfg.TLS, readTimeout: cfg.ReadTimeout, writeTimeout: cfg.WriteTimeout, log: log}
	}
	ss.ErrorLog = errorLog{log}
	s.smtp = ss
	return s
}

// refused tells the observer of a refusal and returns its reply.
func (s *Server) refused(rep *smtp.SMTPError, why mms.Refusal) *smtp.SMTPError {
	if s.cfg.Observer != nil {
		s.cfg.Observer.Refused(why)
	}
	return rep
}

// Serve accepts plain SMTP (with STARTTLS when TLS is configured) on l until
// Close.
func (s *Server) Serve(l net.Listener) error {
	return s.smtp.Serve(&limitedListener{Listener: l, s: s})
}

// ServeTLS accepts implicit-TLS SMTP on l until Close.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.cfg.TLS == nil {
		return errors.New("smtpd: ServeTLS without a TLS configuration")
	}
	return s.smtp.Serve(&limitedListener{Listener: l, s: s, implicit: true})
}

// Shutdown stops accepting and waits for sessions to end, or closes them
// when ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.smtp.Shutdown(ctx) }() // no new connections from here
	// A session that waits for a command is told at once; one with a
	// command or a message in hand finishes it, gets its reply, and is
	// told right after it (trackedConn.Write).
	s.sessions.closeIdle()
	return <-done
}

// Close stops at once.
func (s *Server) Close() error { return s.smtp.Close() }

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	ss, err := b.s.newSession(c)
	if err != nil {
		return nil, err // no session: go-smtp answers err, and nil is never used
	}
	return ss, nil
}

// errorLog adapts go-smtp's logger to slog.
type errorLog struct{ log *slog.Logger }

func (e errorLog) Printf(format string, v ...any) {
	e.log.Warn("smtp", "detail", fmt.Sprintf(format, v...))
}
func (e errorLog) Println(v ...any) { e.log.Warn("smtp", "detail", fmt.Sprint(v...)) }
