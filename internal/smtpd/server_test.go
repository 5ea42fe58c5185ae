package smtpd_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// testServer is the real ingress on 127.0.0.1:0 over a real SQLite store in
// a temporary directory: nothing of ours is faked.
type testServer struct {
	addr    string
	tlsAddr string
	store   *store.Store
	srv     *smtpd.Server
}

type serverOption func(*smtpd.Config)

// storeAccounts adapts the store's not-found to smtpd's, as cmd/mmsc does.
type storeAccounts struct{ st *store.Store }

func (a storeAccounts) Account(ctx context.Context, name string) (vasp.Account, error) {
	acc, err := a.st.Account(ctx, name)
	if errors.Is(err, mms.ErrNotFound) {
		return acc, fmt.Errorf("%w: %s", smtpd.ErrNoAccount, name)
	}
	return acc, err
}

func startServer(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	st, err := store.OpenSQLite(ctx, t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := smtpd.Config{LocalHost: "mmsc.example.net", MMSDomain: "mms.example.net", MaxRecipients: 3}
	for _, o := range opts {
		o(&cfg)
	}
	srv := smtpd.New(cfg, storeAccounts{st}, accept.New(st, accept.Config{}), log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{addr: ln.Addr().String(), store: st, srv: srv}
	go srv.Serve(ln)
	if cfg.TLS != nil {
		tl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ts.tlsAddr = tl.Addr().String()
		go srv.ServeTLS(tl)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return ts
}

func (ts *testServer) addAccount(t testing.TB, a vasp.Account, password string) {
	t.Helper()
	if password != "" {
		h, err := vasp.HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		a.PasswordHash = h
	}
	if err := ts.store.AddAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// stored is how many messages the store holds.
func (ts *testServer) stored(t testing.TB) int {
	t.Helper()
	l, err := ts.store.Messages(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(l)
}

// dialog drives a raw TCP connection line by line.
type dialog struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

func dial(t testing.TB, addr string) *dialog {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &dialog{t: t, conn: c, r: bufio.NewReader(c)}
}

func dialTLS(t testing.TB, addr string) *dialog {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &dialog{t: t, conn: c, r: bufio.NewReader(c)}
}

func (d *dialog) send(line string) {
	d.t.Helper()
	if _, err := io.WriteString(d.conn, line+"\r\n"); err != nil {
		d.t.Fatalf("send %q: %v", line, err)
	}
}

// reply reads one whole (possibly multi-line) reply and returns its lines.
func (d *dialog) reply() []string {
	d.t.Helper()
	var lines []string
	for {
		l, err := d.r.ReadString('\n')
		if err != nil {
			d.t.Fatalf("reading reply after %q: %v", lines, err)
		}
		if !strings.HasSuffix(l, "\r\n") {
			d.t.Fatalf("reply line %q does not end in CRLF", l)
		}
		l = strings.TrimSuffix(l, "\r\n")
		lines = append(lines, l)
		if len(l) < 4 || l[3] != '-' {
			return lines
		}
	}
}

// expect reads a one-line reply and checks that it starts with want.
func (d *dialog) expect(want string) string {
	d.t.Helper()
	lines := d.reply()
	last := lines[len(lines)-1]
	if len(lines) != 1 || !strings.HasPrefix(last, want) {
		d.t.Fatalf("got reply %q, want one line starting %q", lines, want)
	}
	return last
}

// cmd sends line and expects a reply starting with want.
func (d *dialog) cmd(line, want string) string {
	d.t.Helper()
	d.send(line)
	return d.expect(want)
}

// closed reports whether the server has closed the connection.
func (d *dialog) closed() bool {
	d.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := d.r.ReadByte()
	return err == io.EOF
}

// login runs EHLO and AUTH LOGIN test/test.
func (d *dialog) login(user, password string) {
	d.t.Helper()
	d.expect("220 ")
	d.send("EHLO vasp.example.com")
	d.reply()
	d.cmd("AUTH LOGIN", "334 VXNlcm5hbWU6")
	d.cmd(b64(user), "334 UGFzc3dvcmQ6")
	d.cmd(b64(password), "235 ")
}

// startData gives the seed's envelope and opens DATA.
func (d *dialog) startData() {
	d.t.Helper()
	d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("RCPT TO:<+447778889999/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("DATA", "354 ")
}

// startTLS runs STARTTLS on d (RFC 3207) with crypto/tls's client, so that
// the dialogue goes on over TLS, line by line as before.
func (d *dialog) startTLS() {
	d.t.Helper()
	d.cmd("STARTTLS", "220 2.0.0 Ready to start TLS")
	d.handshake()
}

// handshake is the client's side of TLS after the server's 220 to STARTTLS.
func (d *dialog) handshake() {
	d.t.Helper()
	if d.r.Buffered() > 0 {
		d.t.Fatalf("the server sent more after its 220: %d bytes", d.r.Buffered())
	}
	tc := tls.Client(d.conn, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		d.t.Fatalf("TLS handshake after STARTTLS: %v", err)
	}
	d.conn, d.r = tc, bufio.NewReader(tc)
}

// transport is one way a peer reaches the dialogue: over plain TCP, over
// TCP then STARTTLS, or over implicit TLS.
type transport struct {
	name string
	tls  bool // the server needs a certificate
	// open connects and returns a dialogue that has been greeted (220)
	// and, for STARTTLS, has gone through EHLO and STARTTLS: the client
	// is expected to EHLO again.
	open func(t testing.TB, ts *testServer) *dialog
}

// transports are every way to reach the server, each on a server
// configured for it.
func transports() []transport {
	plain := func(t testing.TB, ts *testServer) *dialog {
		d := dial(t, ts.addr)
		d.expect("220 ")
		return d
	}
	return []transport{
		{"plain", false, plain},
		{"plain, TLS offered", true, plain},
		{"STARTTLS", true, func(t testing.TB, ts *testServer) *dialog {
			d := plain(t, ts)
			d.send("EHLO vasp.example.com")
			d.reply()
			d.startTLS()
			return d
		}},
		{"implicit TLS", true, func(t testing.TB, ts *testServer) *dialog {
			d := dialTLS(t, ts.tlsAddr)
			d.expect("220 ")
			return d
		}},
	}
}

// start is startServer with a certificate when tr needs one.
func (tr transport) start(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	if tr.tls {
		cert := selfSigned(t)
		opts = append(opts, func(c *smtpd.Config) { c.TLS = cert })
	}
	return startServer(t, opts...)
}
