package vasp

import (
	"fmt"
	"net/netip"
	"strings"
)

// AllowList is a parsed IP Address Restrictions value.
type AllowList []netip.Prefix

// ParseAllowList reads NowSMS's form, "10.1.2.*,192.0.2.7", plus CIDR
// ("198.51.100.0/24", "2001:db8::/32"). A "*" stands for a whole octet and
// may only be followed by more "*" octets, so "10.*.*.*" is 10.0.0.0/8 while
// "10.*.2.3" is refused rather than silently widened.
func ParseAllowList(s string) (AllowList, error) {
	var l AllowList
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := parseAllowItem(item)
		if err != nil {
			return nil, fmt.Errorf("IP restriction %q: %w", item, err)
		}
		l = append(l, p)
	}
	return l, nil
}

func parseAllowItem(item string) (netip.Prefix, error) {
	if strings.Contains(item, "/") {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("not a CIDR prefix")
		}
		return p.Masked(), nil
	}
	if !strings.Contains(item, "*") {
		a, err := netip.ParseAddr(item)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("not an IP address")
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	octets := strings.Split(item, ".")
	if len(octets) != 4 {
		return netip.Prefix{}, fmt.Errorf("a wildcard needs a dotted IPv4 address like 10.1.2.*")
	}
	bits := 32
	for i := 3; i >= 0 && octets[i] == "*"; i-- {
		octets[i] = "0"
		bits -= 8
	}
	for _, o := range octets {
		if o == "*" {
			return netip.Prefix{}, fmt.Errorf("\"*\" may only stand for trailing octets")
		}
	}
	a, err := netip.ParseAddr(strings.Join(octets, "."))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not an IPv4 address")
	}
	return netip.PrefixFrom(a, bits), nil
}

// Contains reports whether ip is in the list. IPv4-mapped IPv6 addresses
// count as their IPv4 address.
func (l AllowList) Contains(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range l {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
