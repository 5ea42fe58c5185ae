package smpp

import (
	"fmt"
	"strings"

	"github.com/linxGnu/gosmpp/pdu"
)

// Type of number and numbering plan (SMPP v3.4 §5.2.5, §5.2.6).
const (
	tonInternational   = 0x01
	tonAlphanumeric    = 0x05
	npiUnknown         = 0x00
	npiISDN            = 0x01
	maxAddrLen         = 20 // source_addr and destination_addr are C-Octet Strings of at most 21 octets
	maxAlphanumericLen = 11 // GSM TS 23.040 §9.1.2.5: 11 GSM characters fit the TP-OA field
)

// international parses "+447700900456" or "447700900456" as an E.164 number
// without its "+". ok is false unless what remains is 1–20 digits.
func international(s string) (digits string, ok bool) {
	d := strings.TrimPrefix(s, "+")
	if d == "" || len(d) > maxAddrLen {
		return "", false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return "", false
		}
	}
	return d, true
}

// sourceAddress is the originator of every submit_sm: a number is sent as
// international E.164, anything else as alphanumeric. The 11-character
// alphanumeric limit is GSM's, not SMPP's, but an SMSC would refuse longer
// names with ESME_RINVSRCADR on every single submit, so it is checked once.
func sourceAddress(s string) (pdu.Address, error) {
	if d, ok := international(s); ok {
		return pdu.NewAddressWithTonNpiAddr(tonInternational, npiISDN, d)
	}
	if len(s) > maxAlphanumericLen {
		return pdu.Address{}, fmt.Errorf("%w: alphanumeric source address %q longer than %d characters",
			ErrInvalidMessage, s, maxAlphanumericLen)
	}
	return pdu.NewAddressWithTonNpiAddr(tonAlphanumeric, npiUnknown, s)
}

// destAddress is a subscriber's MSISDN, always international E.164.
func destAddress(to string) (pdu.Address, error) {
	d, ok := international(to)
	if !ok {
		return pdu.Address{}, fmt.Errorf("%w: destination %q is not an E.164 number", ErrInvalidMessage, to)
	}
	return pdu.NewAddressWithTonNpiAddr(tonInternational, npiISDN, d)
}
