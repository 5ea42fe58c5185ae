package mimebody

import (
	"mime"
	"net/url"
	"strings"
)

// MediaType reads a Content-Type or Content-Disposition value. It tries
// the strict RFC 2045/2231 parser first and falls back to a lenient one,
// because MMS peers commonly write start=<smil> or type=application/smil
// unquoted, which the strict parser rejects along with the boundary. Keys are
// lowered, values other than the boundary read by Text (phones encode file
// names in RFC 2047), and the map is never nil. The media type is lowered
// and application/vnd.wap.multipart.X becomes multipart/X; it is returned
// whatever its shape, which IsMediaType checks.
func MediaType(v string) (string, map[string]string) {
	typ, params, err := mime.ParseMediaType(v)
	if err != nil {
		typ, params = lenientMediaType(v)
	}
	typ = strings.ToLower(strings.TrimSpace(typ))
	if sub, ok := strings.CutPrefix(typ, "application/vnd.wap.multipart."); ok {
		typ = "multipart/" + sub
	}
	if params == nil {
		params = make(map[string]string)
	}
	for k, val := range params {
		if k != "boundary" { // a boundary is compared byte for byte
			params[k] = Text(val)
		}
	}
	return typ, params
}

// entityType reads an entity's Content-Type, applying the RFC 2045 §5.2
// default (text/plain) when it is absent or has no type/subtype shape.
func entityType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	typ, params := MediaType(v)
	if !IsMediaType(typ) {
		return "text/plain", map[string]string{}
	}
	return typ, params
}

// lenientMediaType splits "type; k=v; k="v"" at semicolons outside quotes
// and takes each k=v it can make sense of, dropping the rest.
func lenientMediaType(v string) (string, map[string]string) {
	fields := splitOutsideQuotes(v, ';')
	params := make(map[string]string)
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" {
			continue
		}
		val = unquoteParam(strings.TrimSpace(val))
		// RFC 2231 extended value, charset'lang'percent-encoded, without
		// continuations: those need the strict parser anyway.
		if name, ext := strings.CutSuffix(k, "*"); ext {
			if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
				if dec, err := url.PathUnescape(parts[2]); err == nil && strings.EqualFold(parts[0], "utf-8") {
					val = dec
				}
			}
			k = name
		}
		if _, dup := params[k]; !dup && IsToken(k) {
			params[k] = val
		}
	}
	return strings.TrimSpace(fields[0]), params
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case quoted && s[i] == '\\':
			i++
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func unquoteParam(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	v = v[1 : len(v)-1]
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
