package mm4out

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// conn is one SMTP session to a peer, ready for MAIL FROM whenever it is
// idle.
type conn struct {
	key  poolKey
	raw  *ctxConn
	smtp *smtp.Client
	tls  bool
	// idleTimer retires the connection while it sits in the idle list.
	idleTimer *time.Timer
}

// dial opens a session to p: TCP, TLS as p.TLS asks, greeting, EHLO, AUTH.
// An opportunistic STARTTLS whose handshake fails leaves the connection
// unusable, so the session is started again without TLS.
func (c *Client) dial(ctx context.Context, p Peer) (*conn, error) {
	cn, err := c.connect(ctx, p, p.TLS)
	if errors.Is(err, errTLSFallback) {
		c.log.Warn("mm4out: STARTTLS handshake failed, sending without TLS", "peer", p.Addr, "err", err)
		cn, err = c.connect(ctx, p, TLSNone)
	}
	if err != nil {
		return nil, err
	}
	c.log.Debug("mm4out: connected", "peer", p.Addr, "tls", cn.tls, "auth", p.User != "")
	return cn, nil
}

// connect is one attempt of dial, with mode in place of p.TLS.
func (c *Client) connect(ctx context.Context, p Peer, mode TLSMode) (_ *conn, err error) {
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return nil, failure(StageConnect, p.Addr, err)
	}
	raw := &ctxConn{Conn: nc}
	raw.bind(ctx)
	defer raw.unbind()
	cn := &conn{key: p.key(), raw: raw}
	defer func() {
		if err == nil {
			return
		}
		if cn.smtp == nil {
			raw.Close()
			return
		}
		c.hangUp(cn, inStep(err))
	}()

	var under net.Conn = raw
	if mode == TLSImplicit {
		tc := tls.Client(raw, p.tlsConfig())
		raw.SetDeadline(time.Now().Add(c.cfg.CommandTimeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, failure(StageConnect, p.Addr, fmt.Errorf("TLS handshake: %w", err))
		}
		raw.SetDeadline(time.Time{})
		under, cn.tls = tc, true
	}
	cn.smtp = c.newSMTP(under)
	if err := cn.smtp.Hello(p.HELO); err != nil {
		return nil, failure(StageConnect, p.Addr, err)
	}
	if mode == TLSOpportunistic || mode == TLSRequired {
		if err := c.startTLS(ctx, cn, p, mode); err != nil {
			return nil, err
		}
	}
	if p.User != "" {
		if err := authenticate(cn.smtp, p); err != nil {
			return nil, err
		}
	}
	return cn, nil
}

// inStep reports whether the session is still in step after connect failed
// with err: the peer refused with a reply (other than 421, RFC 5321 §3.8),
// or we declined to go on. Then it deserves a QUIT.
func inStep(err error) bool {
	var se *SendError
	if !errors.As(err, &se) {
		return false
	}
	return se.Code != 0 && se.Code != 421 || errors.Is(se.Err, errNoTLS) || errors.Is(se.Err, errNoAuth)
}

// newSMTP starts a go-smtp client on nc with our timeouts.
func (c *Client) newSMTP(nc net.Conn) *smtp.Client {
	sc := smtp.NewClient(nc)
	sc.CommandTimeout = c.cfg.CommandTimeout
	sc.SubmissionTimeout = c.cfg.DataTimeout
	return sc
}

var errNoAuth = errors.New("peer offers neither AUTH LOGIN nor AUTH PLAIN")

// authenticate logs in with LOGIN when offered, else PLAIN (RFC 4954). A
// peer that offers neither gets no credentials at all, and the Send fails
// temporarily: it is the peer's set-up, not the message, that is wrong.
func authenticate(sc *smtp.Client, p Peer) error {
	var mech sasl.Client
	switch {
	case sc.SupportsAuth(sasl.Login):
		mech = loginClient{user: p.User, password: p.Password}
	case sc.SupportsAuth(sasl.Plain):
		mech = sasl.NewPlainClient("", p.User, p.Password)
	default:
		return failure(StageAuth, p.Addr, errNoAuth)
	}
	if err := sc.Auth(mech); err != nil {
		return failure(StageAuth, p.Addr, err)
	}
	return nil
}

// hangUp ends a session: QUIT first when it is still in step, then close.
func (c *Client) hangUp(cn *conn, inStep bool) {
	if inStep {
		cn.smtp.CommandTimeout = min(c.cfg.CommandTimeout, quitTimeout)
		if err := cn.smtp.Quit(); err == nil {
			return // Quit closed it
		}
	}
	cn.smtp.Close()
}
