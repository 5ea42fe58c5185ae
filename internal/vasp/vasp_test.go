package vasp

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAllowList(t *testing.T) {
	tests := []struct {
		list    string
		ip      string
		want    bool
		wantErr string
	}{
		{"10.1.2.*,192.0.2.7", "10.1.2.200", true, ""},
		{"10.1.2.*,192.0.2.7", "192.0.2.7", true, ""},
		{"10.1.2.*,192.0.2.7", "10.1.3.1", false, ""},
		{"10.*.*.*", "10.200.3.4", true, ""},
		{"198.51.100.0/24", "198.51.100.77", true, ""},
		{"2001:db8::/32", "2001:db8:1::5", true, ""},
		{"192.0.2.7", "::ffff:192.0.2.7", true, ""}, // IPv4-mapped on a dual-stack socket
		{"10.*.2.3", "", false, "trailing octets"},
		{"10.1.2", "", false, "not an IP address"},
		{"10.1.*", "", false, "wildcard"},
		{"300.1.2.*", "", false, "IPv4"},
		{"10.0.0.0/33", "", false, "CIDR"},
	}
	for _, tt := range tests {
		l, err := ParseAllowList(tt.list)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseAllowList(%q) error = %v, want %q", tt.list, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseAllowList(%q): %v", tt.list, err)
		}
		if got := l.Contains(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("%q contains %s = %v, want %v", tt.list, tt.ip, got, tt.want)
		}
	}
}

func TestAccount(t *testing.T) {
	h, err := HashPassword("test")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "test") || !strings.HasPrefix(h, "$2") {
		t.Fatalf("hash %q is not a bcrypt hash", h)
	}
	a := Account{Name: "acme", PasswordHash: h, AllowIP: "10.1.2.*", SenderMask: "+4477*"}
	if a.CheckPassword("test") != nil || a.CheckPassword("Test") == nil || a.CheckPassword("") == nil {
		t.Error("CheckPassword accepts the wrong passwords or refuses the right one")
	}
	if (Account{Name: "192.0.2.1"}).CheckPassword("") == nil {
		t.Error("an account without a password accepted an empty one")
	}
	if !a.MayConnectFrom(netip.MustParseAddr("10.1.2.3")) || a.MayConnectFrom(netip.MustParseAddr("127.0.0.1")) {
		t.Error("MayConnectFrom ignores the allow list")
	}
	if !a.MaySendAs("+447779998888/TYPE=PLMN@mms.example.net") || a.MaySendAs("+15550001111/TYPE=PLMN@mms.example.net") {
		t.Error("MaySendAs ignores the sender mask")
	}
	if !(Account{Name: "2001:db8::1"}).IsIPAccount() || a.IsIPAccount() {
		t.Error("IsIPAccount")
	}
	for _, bad := range []Account{{Name: ""}, {Name: "a b", PasswordHash: h}, {Name: "nopass"}, {Name: "x", PasswordHash: h, AllowIP: "10.*.1.1"},
		{Name: "192.0.2.1", MaxConnections: -1}} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v) passed", bad)
		}
	}
	if (Account{Name: "192.0.2.1", MaxConnections: 100}).Validate() != nil || a.Validate() != nil {
		t.Error("Validate refused a good account")
	}
}
