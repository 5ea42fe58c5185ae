package connlimit

import (
	"net/netip"
	"testing"
)

func TestLimiter(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	l := New(2, 3)
	steps := []struct {
		op   string // "acquire" or "release"
		ip   netip.Addr
		want Full
	}{
		{"acquire", a, NotFull},
		{"acquire", a, NotFull},
		{"acquire", a, AddrFull}, // a has its two
		{"acquire", b, NotFull},
		{"acquire", b, AllFull}, // three in all
		{"release", a, NotFull},
		{"acquire", b, NotFull}, // a's slot went back to everyone
		{"acquire", a, AllFull},
		{"release", b, NotFull},
		{"acquire", a, NotFull},
	}
	for i, s := range steps {
		if s.op == "release" {
			l.Release(s.ip)
			continue
		}
		if got := l.Acquire(s.ip); got != s.want {
			t.Fatalf("step %d: Acquire(%s) = %d, want %d", i, s.ip, got, s.want)
		}
	}
	if l.Open() != 3 {
		t.Errorf("Open() = %d, want 3", l.Open())
	}
}

// A connection that turns out to be an account's leaves its address's
// count for the account's, and stays in the total.
func TestAccounts(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.1")
	l := New(2, 10)
	steps := []struct {
		op      string // "acquire", "move", "join" (AcquireAccount), "release-account"
		from    string // move: the account it counts against now; "" = its address
		account string
		max     int
		want    Full
	}{
		{op: "acquire", want: NotFull},
		{op: "acquire", want: NotFull},
		{op: "acquire", want: AddrFull},
		{op: "join", account: "acme", want: AccountUnknown}, // acme holds nothing: no cap known
		{op: "move", account: "acme", max: 3, want: NotFull},
		{op: "acquire", want: NotFull}, // the moved one's address slot is free
		{op: "move", account: "acme", max: 3, want: NotFull},
		{op: "acquire", want: NotFull},
		{op: "acquire", want: AddrFull},
		{op: "join", account: "acme", want: NotFull}, // the third: acme's cap, learnt from the moves
		{op: "move", account: "acme", max: 3, want: AccountFull},
		{op: "join", account: "acme", want: AccountFull},
		{op: "move", from: "acme", account: "other", max: 1, want: NotFull},
		{op: "move", account: "other", max: 1, want: AccountFull},
		{op: "move", account: "acme", max: 3, want: NotFull},
		{op: "move", from: "acme", account: "acme", max: 1, want: NotFull}, // already its: the cap is refreshed
		{op: "join", account: "acme", want: AccountFull},
		{op: "release-account", account: "acme"},
		{op: "release-account", account: "acme"},
		{op: "release-account", account: "acme"},
		{op: "join", account: "acme", want: AccountUnknown}, // acme holds nothing again
		{op: "release-account", account: "other"},
	}
	for i, s := range steps {
		var got Full
		switch s.op {
		case "acquire":
			got = l.Acquire(a)
		case "move":
			got = l.MoveToAccount(a, s.from, s.account, s.max)
		case "join":
			got = l.AcquireAccount(s.account)
		case "release-account":
			l.ReleaseAccount(s.account)
			continue
		}
		if got != s.want {
			t.Fatalf("step %d: %s %s = %d, want %d", i, s.op, s.account, got, s.want)
		}
	}
	// Left: one of a's slots, and none of the accounts'.
	if l.Open() != 1 {
		t.Errorf("Open() = %d, want 1", l.Open())
	}
	l.Release(a)
	if l.Open() != 0 || len(l.byAddr) != 0 || len(l.byAccount) != 0 {
		t.Errorf("after every release: %d open, %v, %v", l.Open(), l.byAddr, l.byAccount)
	}
}
