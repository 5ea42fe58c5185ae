package mimebody

import "strings"

// BareID strips the quotes and angle brackets peers put around IDs in
// either order ("<x>", "\"x\"", "\"<x>\""), because IDs are compared bare.
func BareID(s string) string {
	for {
		s = strings.TrimSpace(s)
		switch {
		case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
			s = s[1 : len(s)-1]
		case len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>':
			s = s[1 : len(s)-1]
		default:
			return s
		}
	}
}

// ContentID reads a Content-ID value as MMS wants it: in angle brackets,
// added when a peer left them out, or "" when there is no ID.
func ContentID(v string) string {
	id := Clean(BareID(v))
	if id == "" {
		return ""
	}
	// Usually v is that already, and need not be copied.
	if v = strings.TrimSpace(v); len(v) == len(id)+2 && v[0] == '<' && v[1:len(v)-1] == id && v[len(v)-1] == '>' {
		return v
	}
	return "<" + id + ">"
}
