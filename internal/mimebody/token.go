package mimebody

import "strings"

// IsMediaType reports whether t has the shape RFC 2045 §5.1 gives a media
// type: two tokens around a slash.
func IsMediaType(t string) bool {
	major, minor, ok := strings.Cut(t, "/")
	return ok && IsToken(major) && IsToken(minor)
}

// IsToken reports whether s is an RFC 2045 token, which a parameter value
// may be written as without quotes.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=':
		return false
	}
	return c > ' ' && c < 0x7f
}
