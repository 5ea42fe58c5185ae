package mms

import (
	"errors"
	"fmt"
	"strings"
)

// Address is an envelope recipient or sender in MMS form: a phone number,
// optionally typed "/TYPE=PLMN", at a domain.
type Address struct {
	Number string // "+447778889999" or "447778889999": digits with an optional leading "+"
	Typed  bool   // the local part carried "/TYPE=PLMN"
	Domain string // lower-cased; empty when the address had none
}

// Errors of ParseAddress, distinguished because SMTP answers them differently
// (RFC 3463: 5.1.2 bad destination system, 5.1.3 bad destination syntax).
var (
	ErrNoDomain  = errors.New("address has no domain")
	ErrBadNumber = errors.New("not a phone number")
)

// Phone numbers are 3 to 20 digits: short codes up to the longest national
// numbers with international prefix; E.164 itself allows 15.
const (
	minDigits = 3
	maxDigits = 20
)

// ParseAddress reads "phonenumber@domain" or "phonenumber/TYPE=PLMN@domain"
// (NowSMS MM4 submission; TS 23.140 §8.4 address forms), with optional angle
// brackets. The type name is compared without case, the domain is lowered.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = s[1 : len(s)-1]
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Address{}, fmt.Errorf("%q: %w", s, ErrNoDomain)
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if domain == "" {
		return Address{}, fmt.Errorf("%q: %w", s, ErrNoDomain)
	}
	a := Address{Domain: domain}
	number, typ, typed := strings.Cut(local, "/")
	if typed {
		if !strings.EqualFold(typ, "TYPE=PLMN") {
			return Address{}, fmt.Errorf("%q: type %q is not TYPE=PLMN: %w", s, typ, ErrBadNumber)
		}
		a.Typed = true
	}
	if !IsPhoneNumber(number) {
		return Address{}, fmt.Errorf("%q: %w (want an optional + and %d-%d digits)", s, ErrBadNumber, minDigits, maxDigits)
	}
	a.Number = number
	return a, nil
}

// IsPhoneNumber reports whether s is an optional "+" and 3–20 ASCII digits.
func IsPhoneNumber(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < minDigits || len(s) > maxDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String gives the canonical MM4 form, "number/TYPE=PLMN@domain".
func (a Address) String() string {
	if a.Domain == "" {
		return a.Number + "/TYPE=PLMN"
	}
	return a.Number + "/TYPE=PLMN@" + a.Domain
}
