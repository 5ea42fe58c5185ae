package mm4out

import (
	"testing"
)

func TestSTARTTLSOpportunistic(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.starttls = srvTLS })
	c := newClient(t, Config{})
	for range 3 {
		if _, err := c.Send(t.Context(), Peer{Addr: p.addr, TLSConfig: cliTLS}, testMail()); err != nil {
			t.Fatal(err)
		}
	}
	got := p.messages()
	if len(got) != 3 || !got[0].tls || !got[2].tls {
		t.Fatalf("received %d messages, TLS %v: want 3 over TLS", len(got), got[0].tls)
	}
	if n := p.accepts(); n != 1 {
		t.Errorf("%d connections, want 1 reused", n)
	}
}

// An opportunistic peer whose certificate we cannot verify still gets the
// mail, in plain text on a second connection (RFC 7435).
func TestSTARTTLSOpportunisticFallsBack(t *testing.T) {
	srvTLS, _ := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.starttls = srvTLS })
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr}, testMail()); err != nil {
		t.Fatal(err)
	}
	got := p.messages()
	if len(got) != 1 || got[0].tls {
		t.Fatalf("received %+v, want one message in plain text", got)
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2 (failed handshake, then plain)", n)
	}
}

func TestSTARTTLSRequired(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.starttls = srvTLS })
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSRequired, TLSConfig: cliTLS}, testMail()); err != nil {
		t.Fatal(err)
	}
	if got := p.messages(); len(got) != 1 || !got[0].tls {
		t.Fatalf("received %+v, want one message over TLS", got)
	}
}

func TestSTARTTLSRequiredMissing(t *testing.T) {
	p := newPeer(t, nil)
	c := newClient(t, Config{})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSRequired}, testMail())
	se := sendErr(t, err)
	if se.Stage != StageStartTLS || !se.Temporary() || !Temporary(err) {
		t.Errorf("err = %v (stage %s, temporary %v), want temporary at starttls", err, se.Stage, se.Temporary())
	}
	if got := p.messages(); len(got) != 0 {
		t.Errorf("peer received %d messages without TLS", len(got))
	}
}

func TestSTARTTLSRequiredUntrusted(t *testing.T) {
	srvTLS, _ := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.starttls = srvTLS })
	c := newClient(t, Config{})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSRequired}, testMail())
	if se := sendErr(t, err); se.Stage != StageStartTLS || !se.Temporary() {
		t.Errorf("err = %v, want temporary at starttls", err)
	}
	if got := p.messages(); len(got) != 0 {
		t.Errorf("peer received %d messages", len(got))
	}
}

func TestTLSNoneIgnoresSTARTTLS(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.starttls = srvTLS })
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSNone, TLSConfig: cliTLS}, testMail()); err != nil {
		t.Fatal(err)
	}
	if got := p.messages(); len(got) != 1 || got[0].tls {
		t.Fatalf("received %+v, want one message in plain text", got)
	}
}

func TestImplicitTLS(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.implicit = srvTLS })
	c := newClient(t, Config{})
	for range 2 {
		if _, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSImplicit, TLSConfig: cliTLS}, testMail()); err != nil {
			t.Fatal(err)
		}
	}
	got := p.messages()
	if len(got) != 2 || !got[0].tls || !got[1].tls {
		t.Fatalf("received %+v, want two messages over TLS", got)
	}
	if n := p.accepts(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestImplicitTLSUntrusted(t *testing.T) {
	srvTLS, _ := selfSigned(t)
	p := newPeer(t, func(p *peer) { p.implicit = srvTLS })
	c := newClient(t, Config{})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSImplicit}, testMail())
	if se := sendErr(t, err); se.Stage != StageConnect || !se.Temporary() {
		t.Errorf("err = %v, want temporary at connect", err)
	}
}
