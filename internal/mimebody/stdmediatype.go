package mimebody

import (
	"slices"
	"strings"
)

// formatMediaType writes typ and params back as a header value. Parameters
// the standard formatter refuses (keys that are not tokens) are left out
// rather than losing the whole value.
func formatMediaType(typ string, params map[string]string) string {
	if s := stdFormatMediaType(typ, params); s != "" {
		return s
	}
	ok := make(map[string]string, len(params))
	for k, v := range params {
		if IsToken(k) {
			ok[k] = v
		}
	}
	if s := stdFormatMediaType(typ, ok); s != "" {
		return s
	}
	return typ
}

// stdFormatMediaType returns what mime.FormatMediaType returns, "" for a
// type or parameter name that is not a token included
// (FuzzStdFormatMediaType holds it to that). It exists for speed: the
// standard one collects the keys through iterators and grows its output as
// it goes, several allocations a call, where this sorts the usual
// handful of keys on the stack and sizes its output once.
func stdFormatMediaType(t string, params map[string]string) string {
	major, sub, ok := strings.Cut(t, "/")
	if !IsToken(major) || ok && !IsToken(sub) {
		return ""
	}
	var keyArray [8]string
	keys := keyArray[:0]
	size := len(t)
	for k, v := range params {
		if !IsToken(k) {
			return ""
		}
		keys = append(keys, k)
		size += len("; =\"\"") + len(k) + len(v) // quoting aside, enough
	}
	slices.Sort(keys)

	var b strings.Builder
	b.Grow(size)
	writeLowerASCII(&b, t)
	for _, k := range keys {
		b.WriteString("; ")
		writeLowerASCII(&b, k)
		writeParamValue(&b, params[k])
	}
	return b.String()
}

// writeParamValue writes "=" and v as mime.FormatMediaType does: a token
// bare, other printable ASCII quoted, and anything else as an RFC 2231
// extended value.
func writeParamValue(b *strings.Builder, v string) {
	switch {
	case needsExtendedValue(v):
		b.WriteString("*=utf-8''")
		for i := 0; i < len(v); i++ {
			if c := v[i]; isAttributeChar(c) {
				b.WriteByte(c)
			} else {
				const hex = "0123456789ABCDEF"
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	case IsToken(v):
		b.WriteByte('=')
		b.WriteString(v)
	default:
		b.WriteString(`="`)
		for i := 0; i < len(v); i++ {
			if v[i] == '"' || v[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[i])
		}
		b.WriteByte('"')
	}
}

// needsExtendedValue reports whether v holds a byte a quoted string
// cannot: a control character other than tab, DEL or any non-ASCII.
func needsExtendedValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' || c > '~') && c != '\t' {
			return true
		}
	}
	return false
}

// isAttributeChar is RFC 2231's attribute-char: a token character other
// than '*', '\” and '%'.
func isAttributeChar(c byte) bool {
	return isTokenChar(c) && c != '*' && c != '\'' && c != '%'
}

// writeLowerASCII writes s with ASCII letters lowered; the callers' s is
// a token, so ASCII.
func writeLowerASCII(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}
