package smtpd_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// refusals records what an Observer is told.
type refusals struct {
	mu  sync.Mutex
	got []mms.Refusal
}

func (r *refusals) Refused(why mms.Refusal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, why)
}

func (r *refusals) take() []mms.Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// Each refusal the peer sees is told once, named as reply names it; what
// is accepted is told nothing.
func TestObserverHearsRefusals(t *testing.T) {
	obs := &refusals{}
	ts := startServer(t, func(c *smtpd.Config) {
		c.Observer = obs
		c.MaxMessageBytes = 64 << 10
	})
	ts.addAccount(t, vasp.Account{Name: "test", SenderMask: "+4477*"}, "test")
	seed := seedMessage(t)

	steps := []struct {
		name string
		do   func()
		want []mms.Refusal
	}{
		{"a wrong password", func() {
			d := dial(t, ts.addr)
			d.expect("220 ")
			d.send("EHLO vasp.example.com")
			d.reply()
			d.cmd("AUTH LOGIN", "334 ")
			d.cmd(b64("test"), "334 ")
			d.cmd(b64("wrong"), "535 ")
			d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "530 ")
			d.cmd("QUIT", "221 ")
		}, []mms.Refusal{mms.RefusedAuth, mms.RefusedAuth}},
		{"a sender and a recipient", func() {
			d := dial(t, ts.addr)
			d.login("test", "test")
			d.cmd("MAIL FROM:<+15550001111/TYPE=PLMN@mms.example.net>", "553 ")
			d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
			d.cmd("RCPT TO:<+447778889999/TYPE=PLMN@other.example.org>", "550 ")
			d.cmd("QUIT", "221 ")
		}, []mms.Refusal{mms.RefusedSender, mms.RefusedRecipient}},
		{"a message too large, then one accepted", func() {
			d := dial(t, ts.addr)
			d.login("test", "test")
			d.startData()
			d.send(seed[:strings.Index(seed, "\r\n\r\n")] + "\r\n\r\n" + strings.Repeat(strings.Repeat("x", 76)+"\r\n", 1000) + ".")
			d.expect("552 ")
			d.startData()
			d.send(seed + ".")
			d.expect("250 Message Accepted")
			d.cmd("QUIT", "221 ")
		}, []mms.Refusal{mms.RefusedSize}},
		{"a connection over the cap", func() {
			capped := startServer(t, func(c *smtpd.Config) { c.Observer = obs; c.MaxConnsPerIP = 1 })
			dial(t, capped.addr).expect("220 ")
			dial(t, capped.addr).expect("421 4.7.0 Too many connections, try again later")
		}, []mms.Refusal{mms.RefusedConnections}},
	}
	for _, s := range steps {
		s.do()
		if got := obs.take(); !slices.Equal(got, s.want) {
			t.Errorf("%s: told %v, want %v", s.name, got, s.want)
		}
	}
}
