package mm4

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Limits on the MIME tree. Real MMS has one or two levels and a few dozen
// parts at most; the limits only stop inputs built to exhaust the parser.
const (
	maxDepth       = 20      // nested multipart levels
	maxParts       = 1000    // entities in the whole tree, containers included
	maxHeaderBytes = 1 << 20 // one header block, as go-message's default
	maxBoundary    = 256     // RFC 2046 allows 70; leave room for sloppy peers
)

// walker collects the leaf parts of one message in document order.
type walker struct {
	parts    []mms.Part
	entities int
}

// walk handles one entity: h is its header, body its still encoded body,
// label names it in errors ("part 2.1"; "" for the message itself) and level
// counts the multipart containers above it.
func (w *walker) walk(h header, body []byte, label string, level int) error {
	typ, params := contentType(h.Get("Content-Type"))
	return w.walkTyped(h, typ, params, body, label, level)
}

// walkTyped is walk for an entity whose Content-Type has been read
// already, as typ and params.
func (w *walker) walkTyped(h header, typ string, params map[string]string, body []byte, label string, level int) error {
	w.entities++
	if w.entities > maxParts {
		return malformed(nil, "more than %d MIME parts", maxParts)
	}
	if !strings.HasPrefix(typ, "multipart/") {
		return w.leaf(h, typ, params, body, label)
	}
	if level >= maxDepth {
		return malformed(nil, "multipart nesting deeper than %d levels", maxDepth)
	}
	boundary := params["boundary"]
	switch {
	case boundary == "":
		return malformed(nil, "%s%s without boundary parameter", prefix(label), typ)
	case len(boundary) > maxBoundary:
		return malformed(nil, "%sboundary longer than %d characters", prefix(label), maxBoundary)
	}
	// A Content-Transfer-Encoding on a container (RFC 2045 §6.4 forbids
	// any but 7bit/8bit/binary) is ignored, as go-message does: peers that
	// set it have not actually encoded the body.
	raws, err := splitMultipart(body, boundary, label, maxParts-w.entities)
	if err != nil {
		return err
	}
	for i, raw := range raws {
		child := childLabel(label, i+1)
		ch, cbody, err := splitEntity(raw, child, true)
		if err != nil {
			return err
		}
		if err := w.walk(ch, cbody, child, level+1); err != nil {
			return err
		}
	}
	return nil
}

// leaf decodes one non-multipart entity into a Part.
func (w *walker) leaf(h header, typ string, params map[string]string, body []byte, label string) error {
	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return malformed(err, "%s%v", prefix(label), err)
	}
	// RFC 2046 §4.1.2: the charset parameter means something for text only.
	if strings.HasPrefix(typ, "text/") {
		var cs string
		if data, cs = toUTF8Text(data, params["charset"]); cs != "" {
			params["charset"] = cs
		}
	}
	if data == nil {
		data = []byte{}
	}
	name := filename(h.Get("Content-Disposition"))
	if name == "" {
		name = params["name"]
	}
	w.parts = append(w.parts, mms.Part{
		ContentType:     formatMediaType(typ, params),
		Name:            name,
		ContentLocation: unquoteParam(cleanText(decodeText(strings.TrimSpace(h.Get("Content-Location"))))),
		ContentID:       contentID(h.Get("Content-ID")),
		Data:            data,
	})
	return nil
}

// filename reads the filename parameter of a Content-Disposition. Most
// parts have none, and parsing an empty value finds nothing at some cost.
func filename(disposition string) string {
	if disposition == "" {
		return ""
	}
	_, params := parseMediaType(disposition)
	return params["filename"]
}

// contentID keeps the angle brackets MMS wants and adds them when a peer
// left them out.
func contentID(v string) string {
	id := cleanText(unquoteID(v))
	if id == "" {
		return ""
	}
	// Usually v is that already, and need not be copied.
	if v = strings.TrimSpace(v); len(v) == len(id)+2 && v[0] == '<' && v[1:len(v)-1] == id && v[len(v)-1] == '>' {
		return v
	}
	return "<" + id + ">"
}

// childLabel names part i of the entity labelled parent. Every part gets
// a label, errors or not, hence strconv rather than fmt.
func childLabel(parent string, i int) string {
	if parent == "" {
		return "part " + strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
}

// splitEntity separates an entity's header block from its body and parses
// the header. label names the entity in errors. With headerless, a block
// that does not even start like a header is taken as a body without header
// (a part whose writer forgot the blank line after an empty header); a
// message's own header never gets that benefit of the doubt.
func splitEntity(raw []byte, label string, headerless bool) (header, []byte, error) {
	end := headerEnd(raw)
	if end > maxHeaderBytes || end < 0 && len(raw) > maxHeaderBytes {
		return header{}, nil, malformed(nil, "%sheader block over 1 MB", prefix(label))
	}
	if end < 0 {
		end = len(raw) // a header with no body
	}
	h, err := readHeader(raw[:end])
	if err != nil {
		if headerless && !looksLikeHeader(raw) {
			return header{}, raw, nil
		}
		return header{}, nil, headerError(label, err)
	}
	return h, raw[end:], nil
}

// headerError rewords readHeader's errors, worded as go-message's
// ("message: malformed MIME header line: <line>CRLF"), into a reason that
// names the entity and quotes the offending line.
func headerError(label string, err error) error {
	msg := strings.TrimSpace(err.Error())
	if _, detail, ok := strings.Cut(msg, "malformed MIME header "); ok {
		what, val, _ := strings.Cut(detail, ": ")
		return malformed(err, "%sbad header %s %s", prefix(label), what, quote(strings.TrimSpace(val)))
	}
	return malformed(err, "%s%s", prefix(label), msg)
}

// prefix introduces a reason with the entity it is about.
func prefix(label string) string {
	if label == "" {
		return ""
	}
	return label + ": "
}

// headerEnd returns the index just after the blank line that ends the
// header block, or -1 when there is none. Only the first maxHeaderBytes+2
// bytes are searched, so an endless header costs no more than that.
//
// It walks the line ends once: searching for "\n\n" and "\n\r\n"
// separately would scan a whole CRLF (or LF) message for the form that
// never occurs in it.
func headerEnd(b []byte) int {
	if len(b) > maxHeaderBytes+2 {
		b = b[:maxHeaderBytes+2]
	}
	switch {
	case bytes.HasPrefix(b, []byte("\n")):
		return 1
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	}
	for from := 0; ; {
		i := bytes.IndexByte(b[from:], '\n')
		if i < 0 {
			return -1
		}
		at := from + i
		switch rest := b[at+1:]; {
		case bytes.HasPrefix(rest, []byte("\n")):
			return at + 2
		case bytes.HasPrefix(rest, []byte("\r\n")):
			return at + 3
		}
		from = at + 1
	}
}

// looksLikeHeader reports whether the first line of b has the shape of a
// header field, "name:", so that only parts that start as plain text are
// taken as headerless.
func looksLikeHeader(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	name, _, ok := bytes.Cut(line, []byte(":"))
	if !ok || len(name) == 0 {
		return false
	}
	for _, c := range bytes.TrimRight(name, " \t") {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}
