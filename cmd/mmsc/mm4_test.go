package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
)

// peerMMSC is the far side of an MM4 route: an SMTP server that keeps what
// it receives and answers each message with the code answer gives it.
type peerMMSC struct {
	mu     sync.Mutex
	got    []peerMail
	answer func(rcpt string) *smtp.SMTPError // nil reply: accept
	slow   time.Duration                     // each DATA is answered this long after it was received (set under mu)
	more   chan struct{}
	addr   string
}

type peerMail struct {
	from string
	to   []string
	data []byte
}

func startPeer(t testing.TB) *peerMMSC {
	t.Helper()
	p := &peerMMSC{more: make(chan struct{}, 1000)}
	s := smtp.NewServer(p)
	s.Domain = "mmsc.peer.example"
	s.MaxLineLength = 10000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return p
}

func (p *peerMMSC) NewSession(*smtp.Conn) (smtp.Session, error) { return &peerSession{p: p}, nil }

type peerSession struct {
	p    *peerMMSC
	mail peerMail
}

func (s *peerSession) Mail(from string, _ *smtp.MailOptions) error { s.mail.from = from; return nil }
func (s *peerSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.p.answer != nil {
		if rep := s.p.answer(to); rep != nil {
			return rep
		}
	}
	s.mail.to = append(s.mail.to, to)
	return nil
}
func (s *peerSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.data = b
	s.p.mu.Lock()
	s.p.got = append(s.p.got, s.mail)
	slow := s.p.slow
	s.p.mu.Unlock()
	s.p.more <- struct{}{}
	s.mail = peerMail{}
	time.Sleep(slow)
	return nil
}
func (s *peerSession) Reset()        { s.mail = peerMail{} }
func (s *peerSession) Logout() error { return nil }

// wait returns the n-th mail the peer got (from 1), waiting for it.
func (p *peerMMSC) wait(t testing.TB, n int) peerMail {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		if len(p.got) >= n {
			m := p.got[n-1]
			p.mu.Unlock()
			return m
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-deadline:
			t.Fatalf("the peer got %d mails, want %d", len(p.got), n)
		}
	}
}

// waitN waits until the peer has n mails.
func (p *peerMMSC) waitN(t testing.TB, n int) { p.wait(t, n) }

// TestForwardToPeer: a recipient routed to a peer MMSC is forwarded over
// MM4 with the message intact, and the peer's MM4_forward.RES, sent back to
// our system address, makes it forwarded; a peer's 5xx fails it.
func TestForwardToPeer(t *testing.T) {
	peer := startPeer(t)
	path, _ := writeConfig(t, "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	for _, args := range [][]string{
		{"vasp", "add", "127.0.0.1"}, // the VASP and, for its answers, the peer
		{"route", "add", "pl", "-match", "+48*", "-host", peer.addr, "-domain", "mms.mnc001.mcc260.gprs", "-strip-prefix", "+", "-tls", "none"},
	} {
		if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+48600100200/TYPE=PLMN@mms.example.net"},
		Subject: "Cześć", Text: "Science news", Files: []mm4.File{{Name: "saturn.gif", Data: []byte("GIF89a...")}},
		DeliveryReport: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := mm4.Parse(msg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+48600100200/TYPE=PLMN@mms.example.net")

	got := peer.wait(t, 1)
	if got.from != "+447779998888/TYPE=PLMN@mms.example.net" || len(got.to) != 1 || got.to[0] != "48600100200/TYPE=PLMN@mms.mnc001.mcc260.gprs" {
		t.Errorf("envelope from %q to %q", got.from, got.to)
	}
	pdu, err := mm4.ParseAny(got.data, time.Now())
	if err != nil || pdu.Type != mm4.TypeForwardReq {
		t.Fatalf("the peer got no MM4_forward.REQ: %v", err)
	}
	fwd := pdu.Forward
	checks := []struct {
		what      string
		got, want any
	}{
		{"ack request", fwd.AckRequest, true},
		{"delivery report", fwd.DeliveryReport, true},
		{"originator system", fwd.OriginatorSystem, "system-user@mms.example.net"},
		{"forward counter", pdu.ForwardCounter, 1},
		{"subject", fwd.Subject, "Cześć"},
		{"to", strings.Join(fwd.To, ","), "48600100200/TYPE=PLMN@mms.mnc001.mcc260.gprs"},
		{"parts", len(fwd.Parts), len(want.Parts)},
		{"transaction id", fwd.TransactionID != "", true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("forward %s = %v, want %v", c.what, c.got, c.want)
		}
	}
	for i := range min(len(fwd.Parts), len(want.Parts)) {
		if !bytes.Equal(fwd.Parts[i].Data, want.Parts[i].Data) {
			t.Errorf("part %d differs from the submitted one", i)
		}
	}
	rc := waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "sent" })
	if rc.Route != "mm4:pl" {
		t.Errorf("route %q, want mm4:pl", rc.Route)
	}

	// The peer answers with its RES, as a new mail to our system address.
	res, err := mm4.BuildResponse(mm4.Response{Type: mm4.TypeForwardRes, TransactionID: fwd.TransactionID,
		MessageID: fwd.MM4MessageID, Status: mm4.StatusOk, From: "system-user@mms.mnc001.mcc260.gprs", To: fwd.OriginatorSystem})
	if err != nil {
		t.Fatal(err)
	}
	sendRaw(t, addrs["SMTP (MM4)"], "system-user@mms.mnc001.mcc260.gprs", "system-user@mms.example.net", res, "Answer accepted")
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "forwarded" })

	// An answer for no forward of ours is taken and changes nothing.
	stray, err := mm4.BuildResponse(mm4.Response{Type: mm4.TypeForwardRes, TransactionID: "not-ours", MessageID: "not-ours@peer",
		Status: mm4.StatusOk, From: "system-user@mms.mnc001.mcc260.gprs", To: "system-user@mms.example.net"})
	if err != nil {
		t.Fatal(err)
	}
	sendRaw(t, addrs["SMTP (MM4)"], "system-user@mms.mnc001.mcc260.gprs", "system-user@mms.example.net", stray, "Answer accepted")

	// A peer that refuses the recipient for good fails it with its reply.
	peer.mu.Lock()
	peer.answer = func(string) *smtp.SMTPError {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such subscriber"}
	}
	peer.mu.Unlock()
	id = submitTo(t, addrs["SMTP (MM4)"], msg, "+48600100201/TYPE=PLMN@mms.example.net")
	rc = waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State != "queued" })
	if rc.State != "failed" || !strings.Contains(rc.LastError, "No such subscriber") {
		t.Errorf("refused by the peer: %+v, want failed with its reply", rc)
	}
}

// TestForwardPeerDown: while the peer cannot be reached the recipient
// waits, queued, with the reason.
func TestForwardPeerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	path, _ := writeConfig(t, "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	for _, args := range [][]string{
		{"vasp", "add", "127.0.0.1"},
		{"route", "add", "pl", "-match", "+48*", "-host", down, "-domain", "mms.pl.example", "-tls", "none"},
	} {
		if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+48600100200/TYPE=PLMN@mms.example.net"}, Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+48600100200/TYPE=PLMN@mms.example.net")
	rc := waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.LastError != "" })
	if rc.State != "queued" || !strings.HasPrefix(rc.LastError, "temporary:") || rc.NextAttempt == nil {
		t.Errorf("peer down: %+v, want queued with a temporary error and a next attempt", rc)
	}
}

// sendRaw submits data over SMTP and checks the final reply starts with want.
func sendRaw(t *testing.T, addr, from, to string, data []byte, want string) {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Mail(from, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	resp, err := w.CloseWithResponse()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if got := resp.StatusText; !strings.HasPrefix(got, want) {
		t.Errorf("reply %q, want %q", got, want)
	}
}

// TestNothingOwedWithoutEndpoint: a VASP on an IP account without a report
// endpoint asks for an MM4_forward.RES and delivery reports; nothing can
// reach it, so nothing is written for it (issue #25: each such response
// was a row the outbox leased and held at once).
func TestNothingOwedWithoutEndpoint(t *testing.T) {
	path, _ := writeConfig(t, "")
	if out, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatalf("vasp add: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
		Text: "hello", AckRequest: true, OriginatorSystem: "system-user@mms.vasp.example", DeliveryReport: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999/TYPE=PLMN@mms.example.net")
	var listed admin.Message
	out, err := mmsc(t, "", "messages", "-json", "-config", path)
	if err != nil || json.Unmarshal([]byte(out), &listed) != nil {
		t.Fatalf("messages -json: %v\n%s", err, out)
	}
	if len(listed.Outbox) != 0 {
		t.Errorf("owed to an account without a report endpoint: %+v, want nothing", listed.Outbox)
	}
}
