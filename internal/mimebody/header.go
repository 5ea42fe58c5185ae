package mimebody

import (
	"fmt"
	"strings"
)

// Header is one parsed header block: its fields in the order written.
type Header struct {
	fields []headerField
}

type headerField struct {
	key   string // as written, white space around it dropped
	value string // unfolded, white space around each line dropped
}

// Get returns the value of the first field named k, or "" when there is
// none. k must be a field name token, as the constants callers pass are:
// for such names, comparing without ASCII case matches exactly when the
// canonical MIME keys go-message compares would.
func (h Header) Get(k string) string {
	for _, f := range h.fields {
		if sameKey(f.key, k) {
			return f.value
		}
	}
	return ""
}

// Values returns the values of every field named k, in order, or nil
// when there is none. k is a token, as for Get.
func (h Header) Values(k string) []string {
	var vs []string
	for _, f := range h.fields {
		if sameKey(f.key, k) {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// sameKey compares field names without case; keys are ASCII, as ReadHeader
// checks, so EqualFold folds only ASCII.
func sameKey(key, k string) bool {
	return len(key) == len(k) && strings.EqualFold(key, k)
}

// ReadHeader parses a header block as go-message's textproto.ReadHeader
// reads it from a bufio.Reader, which it used to do: same fields, same
// values, same errors (FuzzReadHeader holds it to that). It parses by
// itself because go-message's allocates several times per field, which was
// a large share of the cost of a message; here keys and most values are
// pieces of one string copy of the block.
//
// Lines end at LF, a CR before it dropped, as bufio.Reader.ReadLine ends
// them. The block ends at the first empty line or at the end of b.
func ReadHeader(b []byte) (Header, error) {
	s := string(b) // one copy: fields must not alias the input
	if s != "" && isWSP(s[0]) {
		line, _ := cutLine(s)
		return Header{}, fmt.Errorf("message: malformed MIME header initial line: %v", line)
	}
	h := Header{fields: make([]headerField, 0, strings.Count(s, "\n")+1)}
	for s != "" {
		line, rest := cutLine(s)
		if line == "" {
			break
		}
		for rest != "" && isWSP(rest[0]) { // continuation lines
			_, rest = cutLine(rest)
		}
		f, err := parseField(s[:len(s)-len(rest)])
		if err != nil {
			return Header{}, err
		}
		if f.key != "" { // textproto.ReadHeader skips a field without a name
			h.fields = append(h.fields, f)
		}
		s = rest
	}
	return h, nil
}

// parseField reads one field, raw being its lines with their line ends.
func parseField(raw string) (headerField, error) {
	first, more := cutLine(raw)
	colon := strings.IndexByte(first, ':')
	if colon < 0 {
		return parseJoinedField(joinLines(raw))
	}
	key := trimWSP(first[:colon])
	if err := checkKey(key); err != nil {
		return headerField{}, err
	}
	return headerField{key: key, value: unfold(first[colon+1:], more)}, nil
}

// parseJoinedField reads a field whose first line has no colon the way
// textproto.ReadHeader reads every field: from kv, its lines joined with
// CRLF, so that the error quotes what its error does. The colon, if any, is
// in a continuation line, so the name spans a line end and is refused.
func parseJoinedField(kv string) (headerField, error) {
	colon := strings.IndexByte(kv, ':')
	if colon < 0 {
		return headerField{}, fmt.Errorf("message: malformed MIME header line: %v", kv)
	}
	key := trimWSP(kv[:colon])
	if err := checkKey(key); err != nil {
		return headerField{}, err
	}
	v, more := cutLine(kv[colon+1:])
	return headerField{key: key, value: unfold(v, more)}, nil
}

// checkKey refuses a field name textproto.ReadHeader refuses: any byte
// outside printable ASCII (RFC 5322 §2.2).
func checkKey(key string) error {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 33 || c > 126 {
			return fmt.Errorf("message: malformed MIME header key: %v", key)
		}
	}
	return nil
}

// unfold joins the first line's value and the continuation lines in more
// with single spaces, dropping the white space around each and lines left
// empty.
func unfold(first, more string) string {
	v := trimWSP(first)
	for more != "" {
		var line string
		line, more = cutLine(more)
		if line = trimWSP(line); line == "" {
			continue
		}
		if v == "" {
			v = line
		} else {
			v += " " + line
		}
	}
	return v
}

// joinLines rewrites raw's line ends as CRLF, as textproto.ReadHeader
// assembles a field before it reads it.
func joinLines(raw string) string {
	var b strings.Builder
	for raw != "" {
		var line string
		line, raw = cutLine(raw)
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	return b.String()
}

// cutLine returns the first line of s without its line end, and the rest.
// A last line without LF is returned whole, a final CR included, as
// bufio.Reader.ReadLine returns it.
func cutLine(s string) (line, rest string) {
	i := strings.IndexByte(s, '\n')
	if i < 0 {
		return s, ""
	}
	return strings.TrimSuffix(s[:i], "\r"), s[i+1:]
}

// isWSP is textproto.ReadHeader's white space, which starts a continuation
// line.
func isWSP(c byte) bool { return c == ' ' || c == '\t' }

func trimWSP(s string) string { return strings.Trim(s, " \t") }
