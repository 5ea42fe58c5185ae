package mms

import "strings"

// Masks is a NowSMS address mask list: comma-separated patterns in which "*"
// matches any run of characters ("+44*,+4477*"). An empty list matches nothing;
// callers decide what an unset list means.
type Masks []string

// ParseMasks splits a comma-separated list, dropping empty items and spaces
// (NowSMS documents "commas only, no spaces"; spaces are forgiven).
func ParseMasks(s string) Masks {
	var m Masks
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m = append(m, p)
		}
	}
	return m
}

// Match reports whether any mask matches s, ignoring case.
func (m Masks) Match(s string) bool {
	for _, p := range m {
		if globMatch(strings.ToLower(p), strings.ToLower(s)) {
			return true
		}
	}
	return false
}

func (m Masks) String() string { return strings.Join(m, ",") }

// globMatch matches p, in which only "*" is special, against s. Iterative
// with one backtrack point, so it is linear in practice and cannot blow up.
func globMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
