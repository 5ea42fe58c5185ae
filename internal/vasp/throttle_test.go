package vasp

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestThrottleWindow(t *testing.T) {
	now := time.Unix(0, 0)
	th := NewThrottle(3, time.Minute, func() time.Time { return now })
	ip, other := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	if th.Fail(ip, "acme") || th.Fail(ip, "acme") {
		t.Fatal("blocked before the limit")
	}
	if !th.Fail(ip, "acme") || !th.Locked(ip, "acme") {
		t.Fatal("not locked at the limit")
	}
	if th.Locked(other, "acme") || th.Locked(ip, "news") || th.Sprayed(ip) {
		t.Fatal("a lock on one account from one address reached further")
	}
	now = now.Add(61 * time.Second)
	if th.Locked(ip, "acme") {
		t.Fatal("still locked after the window")
	}
}

// One failure on each of limit accounts is a spray: the address is
// blocked for every account.
func TestThrottleSpray(t *testing.T) {
	th := NewThrottle(3, time.Minute, nil)
	ip := netip.MustParseAddr("192.0.2.1")
	for i, name := range []string{"a", "b", "c"} {
		if blocked := th.Fail(ip, name); blocked != (i == 2) {
			t.Fatalf("failure on %s: blocked %v", name, blocked)
		}
	}
	if !th.Sprayed(ip) || th.Sprayed(netip.MustParseAddr("192.0.2.2")) {
		t.Fatal("spray not blocked, or blocked elsewhere")
	}
}

// The gate: a locked account still lets its owner's known password in;
// a guesser's, and everything after a spray, is refused unchecked.
func TestGate(t *testing.T) {
	hash, err := HashPassword("secret")
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]Account{"acme": {Name: "acme", PasswordHash: hash}, "news": {Name: "news", PasswordHash: hash}}
	lookup := func(name string) (Account, bool, error) { a, ok := accounts[name]; return a, ok, nil }
	g := NewGate(NewThrottle(3, time.Minute, nil), nil)
	ip := netip.MustParseAddr("192.0.2.1")
	login := func(user, pass string) error { _, err := g.Login(ip, user, pass, lookup); return err }

	steps := []struct {
		user, pass string
		want       error
	}{
		{"acme", "secret", nil}, // the owner's client, before the trouble
		{"acme", "wrong", ErrLoginFailed},
		{"acme", "wrong", ErrLoginFailed},
		{"acme", "wrong", ErrThrottled}, // the third locks acme from ip
		{"acme", "guess", ErrThrottled},
		{"acme", "secret", nil},          // the owner still gets in
		{"news", "secret", nil},          // and another account is untouched
		{"ghost", "x", ErrLoginFailed},   // a second account that failed
		{"nobody", "x", ErrThrottled},    // the third: a spray
		{"acme", "secret", ErrThrottled}, // now nothing from ip gets in
	}
	for i, s := range steps {
		err := login(s.user, s.pass)
		if (s.want == nil) != (err == nil) || (s.want != nil && !errors.Is(err, s.want)) {
			t.Fatalf("step %d, %s/%s: %v, want %v", i, s.user, s.pass, err, s.want)
		}
	}
}

// A locked account lets in only a password already accepted: one never
// seen is refused without being checked, right or not.
func TestGateLockedUnknownPassword(t *testing.T) {
	hash, err := HashPassword("secret")
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(string) (Account, bool, error) { return Account{Name: "acme", PasswordHash: hash}, true, nil }
	g := NewGate(NewThrottle(2, time.Minute, nil), nil)
	ip := netip.MustParseAddr("192.0.2.1")
	for range 2 {
		g.Login(ip, "acme", "wrong", lookup)
	}
	if _, err := g.Login(ip, "acme", "secret", lookup); !errors.Is(err, ErrThrottled) {
		t.Fatalf("a password never accepted, on a locked account: %v, want ErrThrottled", err)
	}
}
