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
