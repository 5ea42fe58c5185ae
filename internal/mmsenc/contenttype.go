package mmsenc

import (
	"fmt"
	"strconv"
	"strings"
)

// param is one media type parameter. Parameters stay in the order they were
// written: a multipart.related type is expected as start, then type (§13).
type param struct{ name, value string }

// parseContentType reads "type/subtype; name=value; ...". It is more lenient
// than mime.ParseMediaType, which refuses the unquoted start=<smil> that MMS
// software writes everywhere; it keeps the parameter order, lower-cases type
// and parameter names, and refuses duplicates, which would be ambiguous.
func parseContentType(s string) (string, []param, error) {
	media, rest, _ := strings.Cut(s, ";")
	media = strings.ToLower(strings.TrimSpace(media))
	if !isMediaType(media) {
		return "", nil, fmt.Errorf("content type %q is not type/subtype", s)
	}
	var params []param
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return media, params, nil
		}
		if rest[0] == ';' { // a stray separator, as in "text/plain;; charset=utf-8"
			rest = rest[1:]
			continue
		}
		eq := strings.IndexAny(rest, "=;")
		if eq < 0 || rest[eq] == ';' {
			return "", nil, fmt.Errorf("content type %q: parameter without a value", s)
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		if !isToken(name) {
			return "", nil, fmt.Errorf("content type %q: parameter name %q is not a token", s, name)
		}
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var value string
		if strings.HasPrefix(rest, `"`) {
			var ok bool
			value, rest, ok = unquote(rest)
			if !ok {
				return "", nil, fmt.Errorf("content type %q: unterminated quoted value", s)
			}
			rest = strings.TrimLeft(rest, " \t")
			if rest != "" && rest[0] != ';' {
				return "", nil, fmt.Errorf("content type %q: text after the quoted value of %s", s, name)
			}
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			value, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		for _, p := range params {
			if p.name == name {
				return "", nil, fmt.Errorf("content type %q: parameter %s given twice", s, name)
			}
		}
		params = append(params, param{name, value})
	}
}

// unquote reads a quoted-string at the start of s and returns its value and
// what follows it.
func unquote(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// formatContentType writes what parseContentType reads, quoting values the
// way RFC 2045 needs so that mime.ParseMediaType accepts the result too.
func formatContentType(media string, params []param) string {
	if len(params) == 0 {
		return media
	}
	var b strings.Builder
	b.WriteString(media)
	for _, p := range params {
		b.WriteString("; ")
		b.WriteString(p.name)
		b.WriteByte('=')
		if isToken(p.value) {
			b.WriteString(p.value)
			continue
		}
		b.WriteByte('"')
		for i := 0; i < len(p.value); i++ {
			if c := p.value[i]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p.value[i])
		}
		b.WriteByte('"')
	}
	return b.String()
}

// isMediaType accepts "type/subtype" made of token characters, and the
// "*/*"-style wildcards of the well-known table.
func isMediaType(s string) bool {
	t, sub, ok := strings.Cut(s, "/")
	return ok && isToken(t) && isToken(sub)
}

// appendContentType writes a Content-type-value (WAP-230-WSP §8.4.2.24):
// the one-octet or Text-string form without parameters, the Value-length
// form with them.
func appendContentType(b []byte, s string) ([]byte, error) {
	media, params, err := parseContentType(s)
	if err != nil {
		return b, err
	}
	if len(params) == 0 {
		return appendMedia(b, media)
	}
	var v []byte
	if v, err = appendMedia(v, media); err != nil {
		return b, err
	}
	for _, p := range params {
		if v, err = appendParam(v, p); err != nil {
			return b, fmt.Errorf("content type %q: %w", s, err)
		}
	}
	b = appendValueLength(b, len(v))
	return append(b, v...), nil
}

func appendMedia(b []byte, media string) ([]byte, error) {
	if c, ok := mediaCode(media); ok {
		return append(b, shortIntFlag|c), nil
	}
	return appendText(b, media)
}

// appendParam uses the WSP 1.2 codes the worked examples use (name 85, start
// 8A, type 89), which every decoder knows, not the 1.4 Text-value codes.
func appendParam(b []byte, p param) ([]byte, error) {
	var err error
	switch p.name {
	case "charset":
		b = append(b, shortIntFlag|paramCharset)
		if mib, ok := charsetMIB(p.value); ok {
			return appendInteger(b, mib), nil
		}
		// A Text-string charset is allowed, and AOSP maps one it does not
		// know to "any" rather than dropping the part.
		return appendTextValue(b, p.value)
	case "type":
		b = append(b, shortIntFlag|paramType)
		// Exact match: a parameter value keeps its case, and "TEXT/PLAIN"
		// must come back as it went.
		if c, ok := mediaCode(p.value); ok {
			return append(b, shortIntFlag|c), nil
		}
		return appendTextValue(b, p.value)
	case "name":
		return appendTextParam(b, paramName, p.value)
	case "filename":
		return appendTextParam(b, paramFilename, p.value)
	case "start":
		return appendTextParam(b, paramStart, p.value)
	case "start-info":
		return appendTextParam(b, paramStartInfo, p.value)
	}
	// Untyped-parameter: Token-text name, Text-value.
	b = append(b, p.name...)
	b = append(b, 0)
	switch {
	case p.value == "":
		return append(b, 0), nil // No-value
	case isToken(p.value):
		b = append(b, p.value...)
		return append(b, 0), nil
	}
	if b, err = appendQuoted(b, p.value); err != nil {
		return b, fmt.Errorf("parameter %s: %w", p.name, err)
	}
	return b, nil
}

func appendTextParam(b []byte, code byte, value string) ([]byte, error) {
	return appendTextValue(append(b, shortIntFlag|code), value)
}

// appendTextValue writes the text value of a typed parameter. A value that
// itself starts with a double quote goes out as a Quoted-string, because a
// decoder drops the first quote of a Text-value.
func appendTextValue(b []byte, value string) ([]byte, error) {
	if strings.HasPrefix(value, `"`) {
		return appendQuoted(b, value)
	}
	return appendText(b, value)
}

// contentType reads a Content-type-value and gives it as a string.
func (r *reader) contentType() (string, error) {
	c, err := r.peek()
	if err != nil {
		return "", err
	}
	switch {
	case c >= shortIntFlag:
		r.pos++
		return mediaName(uint64(c & 0x7F)), nil
	case c > lengthQuote:
		// Constrained-media allows only a bare type here, but some encoders
		// write the whole "type; param=value" string; it costs nothing to
		// read it as what it plainly is.
		start := r.pos
		s, err := r.text()
		if err != nil {
			return "", err
		}
		media, params, err := parseContentType(s)
		if err != nil {
			return "", r.failAt(start, "%v", err)
		}
		for i := range params {
			if params[i].name == "charset" {
				params[i].value = canonicalCharset(params[i].value)
			}
		}
		return formatContentType(media, params), nil
	}
	v, err := r.lengthPrefixed()
	if err != nil {
		return "", err
	}
	var media string
	if v.isInteger() {
		code, err := v.integer()
		if err != nil {
			return "", err
		}
		media = mediaName(code)
	} else if media, err = v.extensionMedia(); err != nil {
		return "", err
	}
	params, err := v.params()
	if err != nil {
		return "", err
	}
	return formatContentType(media, params), nil
}

func (r *reader) extensionMedia() (string, error) {
	start := r.pos
	s, err := r.text()
	if err != nil {
		return "", err
	}
	s = strings.ToLower(s)
	if !isMediaType(s) {
		return "", r.failAt(start, "content type %q is not type/subtype", s)
	}
	return s, nil
}

// params reads parameters to the end of r. Parameters whose value encoding
// we do not know are stepped over and left out.
func (r *reader) params() ([]param, error) {
	var params []param
	for r.left() > 0 {
		start := r.pos
		p, ok, err := r.param()
		if err != nil {
			return nil, within(err, "parameter")
		}
		if !ok {
			continue
		}
		dup := false
		for _, q := range params {
			dup = dup || q.name == p.name
		}
		if dup { // the first one wins, as for a repeated MIME parameter
			continue
		}
		if strings.ContainsAny(p.value, "\x00") {
			return nil, r.failAt(start, "parameter %s contains a NUL", p.name)
		}
		params = append(params, p)
	}
	return params, nil
}

func (r *reader) param() (param, bool, error) {
	if !r.isInteger() {
		start := r.pos
		name, err := r.text()
		if err != nil {
			return param{}, false, err
		}
		name = strings.ToLower(name)
		if !isToken(name) {
			return param{}, false, r.failAt(start, "parameter name %q is not a token", name)
		}
		value, err := r.untypedValue()
		if name == "charset" {
			value = canonicalCharset(value)
		}
		return param{name, value}, true, err
	}
	code, err := r.integer()
	if err != nil {
		return param{}, false, err
	}
	name, known := paramNames[code]
	if !known {
		return param{}, false, r.skipValue()
	}
	var value string
	switch code {
	case paramCharset:
		value, err = r.charsetValue()
	case paramQ:
		value, err = r.qValue()
	case paramLevel:
		value, err = r.versionText()
	case paramType, paramTypeInt:
		if r.isInteger() {
			var v uint64
			v, err = r.integer()
			value = mediaName(v)
		} else {
			value, err = r.textValue()
		}
	case paramPadding, paramMaxAge, paramSEC, paramCreationDate, paramModDate, paramReadDate, paramSize:
		value, err = r.untypedValue()
	default:
		value, err = r.textValue()
	}
	return param{name, value}, true, err
}

// untypedValue reads Integer-value | Text-value and gives it as text.
func (r *reader) untypedValue() (string, error) {
	if r.isInteger() {
		v, err := r.integer()
		return strconv.FormatUint(v, 10), err
	}
	return r.textValue()
}

func (r *reader) charsetValue() (string, error) {
	if r.isInteger() {
		mib, err := r.integer()
		return charsetName(mib), err
	}
	s, err := r.textValue()
	return canonicalCharset(s), err
}

// canonicalCharset gives a charset named in text the spelling the decoder
// gives its number, so that it reads the same after a round trip.
func canonicalCharset(s string) string {
	if mib, ok := charsetMIB(s); ok {
		return charsetName(mib)
	}
	return s
}

// qValue reads the uintvar Q-value of WAP-230-WSP §8.4.2.3.
func (r *reader) qValue() (string, error) {
	q, err := r.uintvar()
	switch {
	case err != nil:
		return "", err
	case q >= 1 && q <= 100:
		return strconv.FormatFloat(float64(q-1)/100, 'f', -1, 64), nil
	case q >= 101 && q <= 1099:
		return strconv.FormatFloat(float64(q-100)/1000, 'f', -1, 64), nil
	}
	return strconv.FormatUint(uint64(q), 10), nil
}

// versionText reads a Version-value as "major.minor" (or "major").
func (r *reader) versionText() (string, error) {
	c, err := r.peek()
	if err != nil {
		return "", err
	}
	if c < shortIntFlag {
		return r.textValue()
	}
	r.pos++
	major, minor := (c>>4)&0x07, c&0x0F
	if minor == 0x0F {
		return strconv.Itoa(int(major)), nil
	}
	return fmt.Sprintf("%d.%d", major, minor), nil
}
