package smtpd

import "bytes"

// startTLSLine finds, in what a client sends, the end of each line that
// go-smtp takes for the STARTTLS command: one whose upper case starts with
// "STARTTLS" (go-smtp's parseCmd, which ignores whatever follows). The
// connection ends a read there (starttls.go), so that go-smtp never holds
// a byte sent after a STARTTLS: those bytes are the listener's to discard
// when TLS starts (RFC 3207 §4.2).
//
// It looks at the first bytes of each line and skips the rest at memory
// speed; it does not know commands from message lines, and need not: a
// read ended early is only a short read.
type startTLSLine struct {
	seen  int  // letters of "STARTTLS" the current line has begun with
	other bool // the current line is not STARTTLS
	halfS bool // the last byte began a two-byte 'ſ' (U+017F), which go-smtp upper-cases to 'S'
	odd   bool // the current line is STARTTLS with more than blanks after it, or spelt with 'ſ'
}

const startTLSVerb = "STARTTLS"

// scan reads b up to and including the LF that ends the first STARTTLS
// line in it, or all of b. It returns how many bytes it read, whether they
// end with a STARTTLS line and, if so, whether that line was anything but
// the bare command (arguments, or non-ASCII spelling).
func (s *startTLSLine) scan(b []byte) (n int, found, odd bool) {
	for i := 0; i < len(b); {
		if s.other {
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				return len(b), false, false
			}
			i += j + 1
			*s = startTLSLine{}
			continue
		}
		c := b[i]
		i++
		if c == '\n' {
			done := s.seen == len(startTLSVerb)
			odd := s.odd
			*s = startTLSLine{}
			if done {
				return i, true, odd
			}
			continue
		}
		if s.seen == len(startTLSVerb) { // the rest of a STARTTLS line
			if c != ' ' && c != '\t' && c != '\r' {
				s.odd = true
			}
			continue
		}
		want := startTLSVerb[s.seen]
		switch {
		case s.halfS:
			s.halfS = false
			if c != 0xBF { // not 'ſ' after all
				s.other = true
				continue
			}
			s.odd = true
			s.seen++
		case c == 0xC5 && want == 'S':
			s.halfS = true
		case c&^0x20 == want: // the verb is upper-case letters: c is one, in either case
			s.seen++
		default:
			s.other = true
		}
	}
	return len(b), false, false
}
