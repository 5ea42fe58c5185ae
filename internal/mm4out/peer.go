package mm4out

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
)

// TLSMode says how a connection to a peer is encrypted.
type TLSMode string

// TLS modes. The empty mode is TLSOpportunistic.
const (
	// TLSOpportunistic uses STARTTLS when the peer offers it and carries
	// on in plain text when it does not or when TLS fails (RFC 7435).
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSRequired fails the Send, as a temporary error, unless STARTTLS is
	// offered and succeeds; nothing is sent in plain text.
	TLSRequired TLSMode = "required"
	// TLSNone never starts TLS: private links to VASPs.
	TLSNone TLSMode = "none"
	// TLSImplicit speaks TLS from the first byte (port 465 style).
	TLSImplicit TLSMode = "implicit"
)

// Valid reports whether m is one of the modes above or empty.
func (m TLSMode) Valid() bool {
	switch m {
	case "", TLSOpportunistic, TLSRequired, TLSNone, TLSImplicit:
		return true
	}
	return false
}

// Peer is where a Send goes and how it introduces itself there.
type Peer struct {
	// Addr is host:port.
	Addr string
	// TLS is the encryption mode; empty means TLSOpportunistic.
	TLS TLSMode
	// TLSConfig is used for STARTTLS and implicit TLS; nil means the system
	// roots. An empty ServerName becomes the host of Addr.
	TLSConfig *tls.Config
	// User and Password authenticate (RFC 4954) when User is not empty:
	// with LOGIN when the peer offers it, else with PLAIN. Both cross in
	// plain text unless the session is encrypted, which only TLSRequired
	// and TLSImplicit guarantee; the peer decides whether to offer AUTH
	// without TLS.
	User, Password string
	// HELO is our name in EHLO; empty means "localhost".
	HELO string
}

// normalized returns p with its defaults filled in, or why it is unusable.
func (p Peer) normalized() (Peer, error) {
	if !p.TLS.Valid() {
		return p, fmt.Errorf("unknown TLS mode %q", p.TLS)
	}
	if p.TLS == "" {
		p.TLS = TLSOpportunistic
	}
	if _, _, err := net.SplitHostPort(p.Addr); err != nil {
		return p, fmt.Errorf("peer address: %w", err)
	}
	if p.HELO == "" {
		p.HELO = "localhost"
	}
	if strings.ContainsAny(p.HELO, " \r\n") {
		return p, fmt.Errorf("HELO name %q has a space or line break", p.HELO)
	}
	return p, nil
}

// poolKey says which connections may carry a Peer's mail: the same address,
// TLS mode, credentials and name. The TLSConfig is not part of it (a caller
// may build one per Send); the one used at connect time stays in force.
type poolKey struct {
	addr, user, password, helo string
	tls                        TLSMode
}

func (p Peer) key() poolKey {
	return poolKey{addr: p.Addr, user: p.User, password: p.Password, helo: p.HELO, tls: p.TLS}
}

// tlsConfig is the configuration for a TLS client to p, never p's own
// (tls.Client keeps a reference to it).
func (p Peer) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if p.TLSConfig != nil {
		cfg = p.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(p.Addr)
	}
	return cfg
}

// Mail is one SMTP transaction: the envelope and the message.
type Mail struct {
	// From is the envelope sender (MAIL FROM); empty is the null path <>.
	From string
	// To are the envelope recipients (RCPT TO), at least one.
	To []string
	// Data is the complete message with CRLF line ends. It is sent
	// dot-stuffed; a message that does not end in CRLF gets one.
	Data []byte
}

// validate refuses what no peer could accept, before any connection is
// made: a permanent error, because sending it again cannot help.
func (m Mail) validate(addr string) error {
	bad := func(stage Stage, format string, args ...any) error {
		return &SendError{Stage: stage, Addr: addr, Err: fmt.Errorf(format, args...)}
	}
	if !validPath(m.From) {
		return bad(StageMail, "invalid sender %q", m.From)
	}
	if len(m.To) == 0 {
		return bad(StageRcpt, "no recipients")
	}
	for _, to := range m.To {
		if to == "" || !validPath(to) {
			return bad(StageRcpt, "invalid recipient %q", to)
		}
	}
	if len(m.Data) == 0 {
		return bad(StageData, "empty message")
	}
	return nil
}

// validPath reports whether s can go between the angle brackets of MAIL
// FROM or RCPT TO: go-smtp adds the brackets and would refuse line breaks.
func validPath(s string) bool {
	return !strings.ContainsAny(s, "<>\r\n")
}
