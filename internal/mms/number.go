package mms

import "strings"

// NumberMatch is how much of two numbers SameNumber needs to agree.
type NumberMatch int

const (
	// WholeNumber: every digit, once an international prefix ("+" or
	// "00") is set aside. Strict enough to decide whose a number is, as
	// when a gateway's MSISDN header must be a message's recipient.
	WholeNumber NumberMatch = iota
	// NumberTail: also when one number is the last seven digits or more
	// of the other, because peers rewrite prefixes (a national form
	// without the country code). That could take one subscriber for
	// another, so it is only for telling apart the few numbers already
	// known to be candidates, such as the recipients of one message.
	NumberTail
)

// minTail is the fewest digits NumberTail matches on: fewer would take
// short codes and extensions for the ends of phone numbers.
const minTail = 7

// SameNumber reports whether a and b are one phone number written two
// ways: with or without "+" or "00", with "/TYPE=PLMN" or a domain after
// it, with spaces or dashes between the digits. A number without digits is
// no number and matches nothing.
func SameNumber(a, b string, m NumberMatch) bool {
	x, y := NumberDigits(a), NumberDigits(b)
	if n := strings.TrimPrefix(x, "00"); n != "" && n == strings.TrimPrefix(y, "00") {
		return true
	}
	if m != NumberTail {
		return false
	}
	if len(x) < len(y) {
		x, y = y, x
	}
	return len(y) >= minTail && strings.HasSuffix(x, y)
}

// NumberDigits is the digits of the number in s: its address type and
// domain, and everything but digits, left out.
func NumberDigits(s string) string {
	s, _, _ = strings.Cut(s, "/")
	s, _, _ = strings.Cut(s, "@")
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
