package vasp

import (
	"net/netip"
	"testing"
	"time"
)

func TestAuthThrottleWindow(t *testing.T) {
	now := time.Unix(0, 0)
	th := NewThrottle(3, time.Minute, func() time.Time { return now })
	ip, other := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	if th.Fail(ip) || th.Fail(ip) {
		t.Fatal("blocked before the limit")
	}
	if !th.Fail(ip) || !th.Blocked(ip) {
		t.Fatal("not blocked at the limit")
	}
	if th.Blocked(other) {
		t.Fatal("another address is blocked")
	}
	now = now.Add(61 * time.Second)
	if th.Blocked(ip) {
		t.Fatal("still blocked after the window")
	}
}
