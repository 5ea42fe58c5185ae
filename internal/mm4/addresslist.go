package mm4

import (
	"strings"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// addressList reads To/Cc values into one bare address per entry. It does
// not use net/mail: "+447700900123/TYPE=PLMN" without a domain, which IR.52
// peers put in headers, is not an RFC 5322 address, and neither are the IPv6
// forms of the OMA address model.
func addressList(values []string) []string {
	var out []string
	for _, v := range values {
		// Not RFC 2047-decoded: only display names may be encoded, and they
		// are dropped; decoding first could expose a comma that splits.
		for _, item := range splitAddresses(mimebody.UTF8(v)) {
			if a := bareAddress(item); a != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

// firstAddress reads a single-address header (From, Sender).
func firstAddress(v string) string {
	for _, item := range splitAddresses(mimebody.UTF8(v)) {
		if a := bareAddress(item); a != "" {
			return a
		}
	}
	return ""
}

// splitAddresses splits at commas that are not inside a quoted display name,
// angle brackets or a comment.
func splitAddresses(s string) []string {
	var (
		items   []string
		start   int
		quoted  bool
		angle   int
		comment int
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted:
			if c == '\\' {
				i++
			} else if c == '"' {
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case c == '<' && comment == 0:
			angle++
		case c == '>' && angle > 0 && comment == 0:
			angle--
		case c == ',' && angle == 0 && comment == 0:
			items = append(items, s[start:i])
			start = i + 1
		}
	}
	return append(items, s[start:])
}

// bareAddress strips display name, comments, angle brackets and RFC 5322
// group syntax from one list entry.
func bareAddress(item string) string {
	item = strings.TrimSpace(stripComments(item))
	// The address is inside the last <...>; what precedes it is a display name.
	if open := strings.LastIndexByte(item, '<'); open >= 0 {
		if end := strings.IndexByte(item[open:], '>'); end > 0 {
			return strings.TrimSpace(item[open+1 : open+end])
		}
	}
	// Group syntax: "undisclosed-recipients:;" or "team: a, b;". A colon in
	// an OMA address ("2001:db8::1/TYPE=IPv6") is not a group name, so only
	// a leading name without "/" or "@" counts.
	item = strings.TrimSpace(strings.TrimSuffix(item, ";"))
	if colon := strings.IndexByte(item, ':'); colon >= 0 && !strings.ContainsAny(item[:colon], "/@\"") {
		if !strings.Contains(strings.ToUpper(item), "/TYPE=IPV6") {
			item = strings.TrimSpace(item[colon+1:])
		}
	}
	return strings.Trim(item, `"`)
}

// stripComments removes RFC 5322 comments "(...)" outside quoted strings.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	quoted, depth := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			if c == '\\' && i+1 < len(s) {
				b.WriteByte(c)
				i++
				c = s[i]
			} else if c == '"' {
				quoted = false
			}
		case depth > 0:
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
			continue
		case c == '(':
			depth++
			continue
		case c == '"':
			quoted = true
		}
		b.WriteByte(c)
	}
	return b.String()
}
