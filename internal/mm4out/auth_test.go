package mm4out

import (
	"testing"

	"github.com/emersion/go-sasl"
)

func TestAuthLogin(t *testing.T) {
	p := newPeer(t, func(p *peer) { p.users = map[string]string{"vasp": "secret"} })
	c := newClient(t, Config{})
	pr := Peer{Addr: p.addr, User: "vasp", Password: "secret"}
	for range 3 {
		if _, err := c.Send(t.Context(), pr, testMail()); err != nil {
			t.Fatal(err)
		}
	}
	got := p.messages()
	if len(got) != 3 || got[0].user != "vasp" || got[0].mech != sasl.Login {
		t.Fatalf("received %+v, want 3 messages from vasp by LOGIN", got)
	}
	if n := p.accepts(); n != 1 {
		t.Errorf("%d connections, want 1: an authenticated session is reused", n)
	}
}

func TestAuthPlain(t *testing.T) {
	p := newPeer(t, func(p *peer) {
		p.users = map[string]string{"vasp": "secret"}
		p.mechs = []string{sasl.Plain}
	})
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr, User: "vasp", Password: "secret"}, testMail()); err != nil {
		t.Fatal(err)
	}
	if got := p.messages(); len(got) != 1 || got[0].mech != sasl.Plain {
		t.Fatalf("received %+v, want one message by PLAIN", got)
	}
}

func TestAuthOverSTARTTLS(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	p := newPeer(t, func(p *peer) {
		p.starttls = srvTLS
		p.users = map[string]string{"vasp": "secret"}
	})
	c := newClient(t, Config{})
	if _, err := c.Send(t.Context(), Peer{Addr: p.addr, TLS: TLSRequired, TLSConfig: cliTLS, User: "vasp", Password: "secret"}, testMail()); err != nil {
		t.Fatal(err)
	}
	if got := p.messages(); len(got) != 1 || !got[0].tls || got[0].mech != sasl.Login {
		t.Fatalf("received %+v, want one message by LOGIN over TLS", got)
	}
}

func TestAuthWrongPassword(t *testing.T) {
	for _, mech := range []string{sasl.Login, sasl.Plain} {
		p := newPeer(t, func(p *peer) {
			p.users = map[string]string{"vasp": "secret"}
			p.mechs = []string{mech}
		})
		c := newClient(t, Config{})
		_, err := c.Send(t.Context(), Peer{Addr: p.addr, User: "vasp", Password: "wrong"}, testMail())
		se := sendErr(t, err)
		if se.Stage != StageAuth || se.Code != 535 || se.Enhanced != (EnhancedCode{5, 7, 8}) || se.Temporary() || Temporary(err) {
			t.Errorf("%s: err = %v (stage %s, code %d %s, temporary %v), want permanent 535 5.7.8 at auth",
				mech, err, se.Stage, se.Code, se.Enhanced, se.Temporary())
		}
		if got := p.messages(); len(got) != 0 {
			t.Errorf("%s: peer received %d messages", mech, len(got))
		}
	}
}

func TestAuthNotOffered(t *testing.T) {
	p := newPeer(t, nil) // no AUTH at all
	c := newClient(t, Config{})
	_, err := c.Send(t.Context(), Peer{Addr: p.addr, User: "vasp", Password: "secret"}, testMail())
	if se := sendErr(t, err); se.Stage != StageAuth || !se.Temporary() {
		t.Errorf("err = %v, want temporary at auth", err)
	}
}

// Sessions are pooled by credentials: another account gets its own.
func TestPoolKeyedByCredentials(t *testing.T) {
	p := newPeer(t, func(p *peer) { p.users = map[string]string{"a": "pa", "b": "pb"} })
	c := newClient(t, Config{})
	for _, user := range []string{"a", "b", "a", "b"} {
		if _, err := c.Send(t.Context(), Peer{Addr: p.addr, User: user, Password: "p" + user}, testMail()); err != nil {
			t.Fatal(err)
		}
	}
	got := p.messages()
	for i, want := range []string{"a", "b", "a", "b"} {
		if got[i].user != want {
			t.Errorf("message %d authenticated as %q, want %q", i, got[i].user, want)
		}
	}
	if n := p.accepts(); n != 2 {
		t.Errorf("%d connections, want 2 (one per account)", n)
	}
}

func TestLoginClientAnswersByPrompt(t *testing.T) {
	lc := loginClient{user: "vasp", password: "secret"}
	mech, ir, err := lc.Start()
	if mech != "LOGIN" || ir != nil || err != nil {
		t.Fatalf("Start = %q %q %v, want LOGIN without initial response", mech, ir, err)
	}
	for _, step := range []struct{ prompt, want string }{
		{"Username:", "vasp"},
		{"Username:", "vasp"}, // asked again: answered again
		{"password:", "secret"},
		{" User Name ", "vasp"},
	} {
		got, err := lc.Next([]byte(step.prompt))
		if err != nil || string(got) != step.want {
			t.Errorf("Next(%q) = %q, %v; want %q", step.prompt, got, err, step.want)
		}
	}
	if _, err := lc.Next([]byte("Realm:")); err == nil {
		t.Error("an unknown prompt was answered")
	}
}
