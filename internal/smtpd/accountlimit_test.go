package smtpd_test

import (
	"testing"

	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

const accountFull = "421 4.7.0 Too many connections for this account"

// A VASP's client pool opens its sessions one after another, each logging
// in as it connects: they count against the account's limit, not the
// address's (50 by default), and the one past the account's limit is
// refused and closed.
func TestAccountConnectionLimit(t *testing.T) {
	ts := startServer(t) // the per-address cap at its default
	ts.addAccount(t, vasp.Account{Name: "big", MaxConnections: 100}, "pw")
	ts.addAccount(t, vasp.Account{Name: "small", MaxConnections: 5}, "pw")

	for i := range 100 {
		d := dial(t, ts.addr)
		d.login("big", "pw")
		if i == 59 {
			t.Log("60 sessions of big from one address")
		}
	}
	d := dial(t, ts.addr)
	d.expect("220 ")
	d.send("EHLO vasp.example.com")
	d.reply()
	d.cmd("AUTH PLAIN "+b64("\x00big\x00pw"), accountFull)
	if !d.closed() {
		t.Fatal("the 101st session of big is still open")
	}

	var small []*dialog
	for range 5 {
		d := dial(t, ts.addr)
		d.login("small", "pw")
		small = append(small, d)
	}
	d = dial(t, ts.addr)
	d.expect("220 ")
	d.send("EHLO vasp.example.com")
	d.reply()
	d.cmd("AUTH LOGIN", "334 ")
	d.cmd(b64("small"), "334 ")
	d.cmd(b64("pw"), accountFull)
	if !d.closed() {
		t.Fatal("the sixth session of small is still open")
	}

	// Those in go on; one gone makes room for another.
	small[0].cmd("NOOP", "250 ")
	small[0].cmd("QUIT", "221 ")
	for i := 0; ; i++ {
		d := dial(t, ts.addr)
		d.expect("220 ")
		d.send("EHLO vasp.example.com")
		d.reply()
		if r := d.cmd("AUTH PLAIN "+b64("\x00small\x00pw"), ""); r[:4] == "235 " {
			break
		} else if i > 50 {
			t.Fatalf("small's slot not released: %q", r)
		}
	}
}

// An IP account's sessions count against its limit from EHLO, the moment
// the address names it; once it holds one, new connections from its address
// count against it at once, past the address's cap.
func TestIPAccountConnectionLimit(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxConnsPerIP = 2 })
	ts.addAccount(t, vasp.Account{Name: "127.0.0.1", MaxConnections: 4}, "")
	helo := func(d *dialog, want string) *dialog {
		t.Helper()
		d.cmd("HELO vasp.example.com", want)
		return d
	}
	greeted := func() *dialog {
		t.Helper()
		d := dial(t, ts.addr)
		d.expect("220 ")
		return d
	}
	in := []*dialog{helo(greeted(), "250 "), helo(greeted(), "250 ")} // the account's: 2 of 4
	quiet := []*dialog{greeted(), greeted()}                          // not yet named: the address's 2 of 2
	in = append(in, helo(greeted(), "250 "), helo(greeted(), "250 ")) // the account's at once: 4 of 4

	d := dial(t, ts.addr)
	d.expect(accountFull)
	if !d.closed() {
		t.Fatal("the account's fifth connection is still open")
	}
	helo(quiet[0], accountFull)
	if !quiet[0].closed() {
		t.Fatal("the session named the account's fifth by HELO is still open")
	}
	for _, d := range in {
		d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	}
}

// With a limit of 0 an account has the server's default.
func TestDefaultAccountConnectionLimit(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxConnsPerAccount = 2 })
	ts.addAccount(t, vasp.Account{Name: "acme"}, "pw")
	dial(t, ts.addr).login("acme", "pw")
	dial(t, ts.addr).login("acme", "pw")
	d := dial(t, ts.addr)
	d.expect("220 ")
	d.send("EHLO vasp.example.com")
	d.reply()
	d.cmd("AUTH PLAIN "+b64("\x00acme\x00pw"), accountFull)
}
