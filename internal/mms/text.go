package mms

import (
	"strings"
	"unicode/utf8"
)

// Text from outside (a Subject, a From, a VASP's service code) ends up on
// operators' terminals, in the logs and in what the MMSC sends on to
// handsets and peers. Some characters in it act instead of showing: C0 and
// C1 controls start terminal escape sequences (ESC ] or the one-byte OSC
// U+009D rewrite a window title, CSI U+009B moves the cursor), CR and LF
// break header and log lines, and the bidi embeddings, overrides and
// isolates reorder the text around them ("Trojan Source", CVE-2021-42574).
// CleanText takes them out as a message is accepted; EscapeText shows them
// where text is printed that may never have passed CleanText (rows stored
// before it, values that bypass the accept path). Both judge by isUnsafe, so
// what one removes the other shows.

// CleanText is s fit to store and show: C0 controls (CR, LF and TAB
// included) and DEL become a space, as a header line needs; C1 controls
// (U+0080–U+009F) and the bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) are removed; invalid UTF-8 becomes U+FFFD.
// The bidi marks LRM, RLM and ALM (U+200E, U+200F, U+061C) are kept:
// right-to-left text needs them, and a mark has no scope; it sways the
// characters next to it and cannot turn a run around as an override can.
// s itself is returned, without allocating, when it is clean.
func CleanText(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		case isUnsafe(r):
		default:
			b.WriteRune(r) // an invalid byte ranges as utf8.RuneError, U+FFFD
		}
	}
	return b.String()
}

// EscapeText is s fit to print on a terminal: each character CleanText
// would change is written as a Go escape, a rune as \u009b or \u202e and a
// byte that is not UTF-8 as \x9b, so that an operator sees it and the
// terminal does not act on it. A backslash is left as it is, so a JSON text
// (valid UTF-8, C0 escaped by the encoder) stays valid JSON, its strings
// reading the same: \uXXXX is JSON's escape too. s itself is returned,
// without allocating, when there is nothing to escape.
func EscapeText(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&0xf])
		case isUnsafe(r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hex[r>>shift&0xf])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnsafe is the index of the first byte of s that CleanText would
// change, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if isUnsafe(rune(c)) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isUnsafe(r) {
			return i
		}
		i += n
	}
	return -1
}

// isUnsafe reports whether r acts on a terminal or on the order of the text
// around it rather than showing as itself.
func isUnsafe(r rune) bool {
	switch {
	case r < ' ', r == 0x7f: // C0, DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}
