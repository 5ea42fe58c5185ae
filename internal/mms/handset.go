package mms

import (
	"net/mail"
	"strings"
)

// HandsetAddress turns an address from an MM4 header (From, To, Cc) into
// the form MM1 PDUs carry (OMA MMS ENC §7.2.4 / TS 23.140 §8.4): a phone
// number becomes "+447700900123/TYPE=PLMN" without the MMSC's domain,
// which means nothing to a handset; an e-mail address stays an addr-spec.
// Display names are dropped. What cannot be parsed is returned trimmed, so
// that a sender's odd header still reaches the handset rather than nothing.
func HandsetAddress(s string) string {
	s = strings.TrimSpace(s)
	spec := s
	if a, err := mail.ParseAddress(s); err == nil {
		spec = a.Address
	}
	if a, err := ParseAddress(spec); err == nil {
		return a.Number + "/TYPE=PLMN"
	}
	local, _, _ := strings.Cut(spec, "@")
	if number, typ, ok := strings.Cut(local, "/"); ok && strings.EqualFold(typ, "TYPE=PLMN") && IsPhoneNumber(number) {
		return number + "/TYPE=PLMN"
	}
	if IsPhoneNumber(local) && !strings.Contains(spec, "@") {
		return local + "/TYPE=PLMN"
	}
	return spec
}

// AddrSpec is the bare address of a header address ("Ann <a@b>" → "a@b"),
// or s without its angle brackets when it is not one.
func AddrSpec(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}
