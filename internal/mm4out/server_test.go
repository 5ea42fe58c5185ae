package mm4out

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// peer is the far side in these tests: a go-smtp server on 127.0.0.1 whose
// behaviour each test sets before start. It records what it received, and
// counts and can cut the TCP connections it accepted.
type peer struct {
	t    testing.TB
	addr string

	// Behaviour, set before start.
	starttls    *tls.Config       // offer STARTTLS with this
	implicit    *tls.Config       // speak TLS from the first byte with this
	users       map[string]string // require AUTH with these when not nil
	mechs       []string          // offered mechanisms, default LOGIN and PLAIN
	readTimeout time.Duration
	onMail      func(from string) error
	onRcpt      func(to string) error
	onData      func(c *smtp.Conn, r io.Reader) error // default: accept
	reply       string                                // text of the 250 after DATA
	discard     bool                                  // count messages but keep nothing (benchmarks)

	mu       sync.Mutex
	count    int // messages accepted
	accepted int
	live     map[net.Conn]bool
	maxLive  int
	got      []received
}

// received is one message as the peer saw it.
type received struct {
	from string
	to   []string
	data []byte
	tls  bool
	user string // who authenticated, and how
	mech string
}

func newPeer(t testing.TB, setup func(*peer)) *peer {
	t.Helper()
	p := &peer{t: t, live: map[net.Conn]bool{}, mechs: []string{sasl.Login, sasl.Plain}}
	if setup != nil {
		setup(p)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	var l net.Listener = &trackingListener{Listener: ln, p: p}
	if p.implicit != nil {
		l = tls.NewListener(l, p.implicit)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &peerSession{p: p, c: c}, nil
	}))
	srv.Domain = "peer.test"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = p.starttls
	srv.ReadTimeout = p.readTimeout
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return p
}

func (p *peer) messages() []received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]received(nil), p.got...)
}

// accepts is how many TCP connections the peer has accepted.
func (p *peer) accepts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// open is how many of them are still open on the peer's side.
func (p *peer) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.live)
}

// cut closes every connection from the peer's side, without a word.
func (p *peer) cut() {
	p.mu.Lock()
	conns := make([]net.Conn, 0, len(p.live))
	for c := range p.live {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

type trackingListener struct {
	net.Listener
	p *peer
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, p: l.p}
	l.p.mu.Lock()
	l.p.accepted++
	l.p.live[tc] = true
	l.p.maxLive = max(l.p.maxLive, len(l.p.live))
	l.p.mu.Unlock()
	return tc, nil
}

type trackedConn struct {
	net.Conn
	p    *peer
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.p.mu.Lock()
		delete(c.p.live, c)
		c.p.mu.Unlock()
	})
	return c.Conn.Close()
}

type peerSession struct {
	p          *peer
	c          *smtp.Conn
	user, mech string
	from       string
	to         []string
}

func (s *peerSession) AuthMechanisms() []string {
	if s.p.users == nil {
		return nil
	}
	return s.p.mechs
}

func (s *peerSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, password string) error {
		if want, ok := s.p.users[user]; !ok || want != password {
			return smtp.ErrAuthFailed
		}
		s.user, s.mech = user, mech
		return nil
	}
	switch mech {
	case sasl.Login:
		return &loginServer{check: check}, nil
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, password string) error { return check(user, password) }), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *peerSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.p.users != nil && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if s.p.onMail != nil {
		if err := s.p.onMail(from); err != nil {
			return err
		}
	}
	s.from = from
	return nil
}

func (s *peerSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.p.onRcpt != nil {
		if err := s.p.onRcpt(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *peerSession) Data(r io.Reader) error {
	if s.p.onData != nil {
		if err := s.p.onData(s.c, r); err != nil {
			return err
		}
	}
	if s.p.discard {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		s.p.mu.Lock()
		s.p.count++
		s.p.mu.Unlock()
		return nil
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.c.TLSConnectionState()
	s.p.mu.Lock()
	s.p.got = append(s.p.got, received{from: s.from, to: s.to, data: data, tls: isTLS, user: s.user, mech: s.mech})
	s.p.mu.Unlock()
	if s.p.reply != "" {
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: s.p.reply}
	}
	return nil
}

func (s *peerSession) Reset() { s.from, s.to = "", nil }

func (s *peerSession) Logout() error { return nil }

// loginServer is the peer's LOGIN mechanism, as NowSMS runs it: it prompts
// "Username:" then "Password:" and takes an initial response as the name.
type loginServer struct {
	check func(user, password string) error
	user  string
	step  int
}

func (a *loginServer) Next(response []byte) ([]byte, bool, error) {
	a.step++
	switch {
	case a.step == 1 && response == nil:
		return []byte("Username:"), false, nil
	case a.step == 1 || a.step == 2 && a.user == "":
		a.user = string(response)
		return []byte("Password:"), false, nil
	case a.step <= 3:
		return nil, true, a.check(a.user, string(response))
	}
	return nil, false, errors.New("unexpected LOGIN response")
}

// silentPeer accepts connections and never says a word.
func silentPeer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// mm4Message is an MM4_forward.REQ of about size bytes: headers, then a
// base64 body in 76-character lines, some starting with a dot to exercise
// dot-stuffing.
func mm4Message(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: +447700900123/TYPE=PLMN@mms.example.org\r\n" +
		"To: +447700900456/TYPE=PLMN@mms.example.net\r\n" +
		"X-Mms-3GPP-MMS-Version: 6.3.0\r\n" +
		"X-Mms-Message-Type: MM4_forward.REQ\r\n" +
		"X-Mms-Transaction-ID: \"T1\"\r\n" +
		"X-Mms-Message-ID: \"M1\"\r\n" +
		"Content-Type: image/jpeg\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		".leading dot line\r\n..two dots\r\n")
	line := bytes.Repeat([]byte("QUJD"), 19)
	for b.Len() < size {
		b.Write(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
