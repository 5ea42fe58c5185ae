package mmsenc

import "fmt"

// The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1), indexed by
// septet. 0x1B is not a character but the escape to the extension table;
// 0x09 is the capital Ç of the current table (the first edition had ç).
var gsm7Basic = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

const gsm7Escape = 0x1B

// gsm7Extension is the default extension table (§6.2.1.1): each of these
// characters is the escape septet followed by its code, two septets.
var gsm7Extension = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

// gsm7Septets maps a character to its one or two septets.
var gsm7Septets = func() map[rune][]byte {
	m := make(map[rune][]byte, len(gsm7Basic)+len(gsm7Extension))
	for code, r := range gsm7Basic {
		if code != gsm7Escape {
			m[r] = []byte{byte(code)}
		}
	}
	for code, r := range gsm7Extension {
		m[r] = []byte{gsm7Escape, code}
	}
	return m
}()

// appendGSM7 appends the septets of r, one an octet, and reports whether
// the alphabet has r at all.
func appendGSM7(b []byte, r rune) ([]byte, bool) {
	s, ok := gsm7Septets[r]
	return append(b, s...), ok
}

// decodeGSM7 reads septets one an octet. An escape followed by a code the
// extension table does not have stands for the character of that code in
// the default table, as §6.2.1.1 tells receivers to show it; an escape
// followed by another escape (reserved for a further table) is shown as a
// space. On an octet that is not a septet, or an escape that ends the
// data, it returns the octet's index and why.
func decodeGSM7(septets []byte) (s string, bad int, reason string) {
	r := make([]rune, 0, len(septets))
	for i := 0; i < len(septets); i++ {
		c := septets[i]
		switch {
		case c >= 0x80:
			return "", i, fmt.Sprintf("octet 0x%02X is not a septet", c)
		case c != gsm7Escape:
			r = append(r, gsm7Basic[c])
			continue
		case i+1 == len(septets):
			return "", i, "the text ends in an escape"
		}
		i++
		next := septets[i]
		ext, ok := gsm7Extension[next]
		switch {
		case next >= 0x80:
			return "", i, fmt.Sprintf("octet 0x%02X is not a septet", next)
		case ok:
			r = append(r, ext)
		case next == gsm7Escape:
			r = append(r, ' ')
		default:
			r = append(r, gsm7Basic[next])
		}
	}
	return string(r), 0, ""
}
