package mm4out

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"time"
)

var (
	errNoTLS = errors.New("peer does not offer STARTTLS")
	// errTLSFallback marks an opportunistic STARTTLS whose handshake
	// failed: the session is lost and dial starts again without TLS.
	errTLSFallback = errors.New("opportunistic STARTTLS failed")
)

// startTLS upgrades cn, a plain session that has said EHLO, with STARTTLS
// (RFC 3207) as mode asks. When an opportunistic upgrade is not possible in
// the same session (not offered, or refused with a reply) cn stays as it is.
//
// go-smtp v0.25.1 starts TLS only inside NewClientStartTLS, which says EHLO
// as "localhost" and closes the connection when STARTTLS is not offered.
// So the command is sent here on the raw connection, which go-smtp's client
// has left idle (it reads nothing unasked), and a new go-smtp client is
// started on the TLS connection; go-smtp's client for the plain part, and
// anything it may have buffered, is dropped, as §4.2 asks.
func (c *Client) startTLS(ctx context.Context, cn *conn, p Peer, mode TLSMode) error {
	if ok, _ := cn.smtp.Extension("STARTTLS"); !ok {
		if mode == TLSRequired {
			return tlsFailure(p.Addr, errNoTLS)
		}
		return nil
	}
	if err := starttlsCommand(cn.raw, c.cfg.CommandTimeout); err != nil {
		if mode == TLSRequired || !reusable(err) {
			return tlsFailure(p.Addr, err)
		}
		c.log.Info("mm4out: STARTTLS refused, sending without TLS", "peer", p.Addr, "err", err)
		return nil
	}
	tc := tls.Client(cn.raw, p.tlsConfig())
	cn.raw.SetDeadline(time.Now().Add(c.cfg.CommandTimeout))
	if err := tc.HandshakeContext(ctx); err != nil {
		if mode == TLSOpportunistic && ctx.Err() == nil {
			return fmt.Errorf("%w: %w", errTLSFallback, err)
		}
		return tlsFailure(p.Addr, fmt.Errorf("TLS handshake: %w", err))
	}
	cn.raw.SetDeadline(time.Time{})
	cn.smtp, cn.tls = c.newSMTP(&greetedConn{Conn: tc, greeting: strings.NewReader("220 TLS started\r\n")}), true
	if err := cn.smtp.Hello(p.HELO); err != nil {
		return tlsFailure(p.Addr, err)
	}
	return nil
}

// tlsFailure is a failure at StageStartTLS, always temporary, even a 5xx
// reply to STARTTLS: what is wrong is the peer's TLS set-up, which may be
// mended, not the message.
func tlsFailure(addr string, err error) *SendError {
	e := failure(StageStartTLS, addr, err)
	e.temporary = true
	return e
}

// starttlsCommand sends STARTTLS on nc and reads the 220 that must answer
// it. Any other reply comes back as an *smtp.SMTPError.
func starttlsCommand(nc net.Conn, timeout time.Duration) error {
	nc.SetDeadline(time.Now().Add(timeout))
	defer nc.SetDeadline(time.Time{})
	if _, err := io.WriteString(nc, "STARTTLS\r\n"); err != nil {
		return err
	}
	// A one-byte-at-a-time reader would be exact; bufio is fine because
	// the peer sends nothing after its 220 until our ClientHello. If it
	// did, that would be plain text injected before TLS: refuse it.
	br := bufio.NewReader(nc)
	if _, _, err := textproto.NewReader(br).ReadResponse(220); err != nil {
		return replyOf(err)
	}
	if br.Buffered() > 0 {
		return errors.New("peer sent data after its STARTTLS reply")
	}
	return nil
}

// greetedConn gives go-smtp's new client the 220 greeting it insists on
// reading first. After STARTTLS the peer sends none (RFC 3207 §4.2: the
// client goes straight to EHLO), so it is supplied here.
type greetedConn struct {
	net.Conn
	greeting *strings.Reader
}

func (g *greetedConn) Read(b []byte) (int, error) {
	if g.greeting.Len() > 0 {
		return g.greeting.Read(b)
	}
	return g.Conn.Read(b)
}
