package mm4

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
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
func (w *walker) walk(h textproto.Header, body []byte, label string, level int) error {
	w.entities++
	if w.entities > maxParts {
		return malformed(nil, "more than %d MIME parts", maxParts)
	}
	typ, params := contentType(h.Get("Content-Type"))
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
func (w *walker) leaf(h textproto.Header, typ string, params map[string]string, body []byte, label string) error {
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
	_, disp := parseMediaType(h.Get("Content-Disposition"))
	name := disp["filename"]
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

// contentID keeps the angle brackets MMS wants and adds them when a peer
// left them out.
func contentID(v string) string {
	id := cleanText(unquoteID(v))
	if id == "" {
		return ""
	}
	return "<" + id + ">"
}

func childLabel(parent string, i int) string {
	if parent == "" {
		return fmt.Sprintf("part %d", i)
	}
	return fmt.Sprintf("%s.%d", parent, i)
}

// splitEntity separates an entity's header block from its body and parses
// the header. label names the entity in errors. With headerless, a block
// that does not even start like a header is taken as a body without header
// (a part whose writer forgot the blank line after an empty header); a
// message's own header never gets that benefit of the doubt.
func splitEntity(raw []byte, label string, headerless bool) (textproto.Header, []byte, error) {
	end := headerEnd(raw)
	if end > maxHeaderBytes || end < 0 && len(raw) > maxHeaderBytes {
		return textproto.Header{}, nil, malformed(nil, "%sheader block over 1 MB", prefix(label))
	}
	if end < 0 {
		end = len(raw) // a header with no body
	}
	h, err := readHeader(raw[:end])
	if err != nil {
		if headerless && !looksLikeHeader(raw) {
			return textproto.Header{}, raw, nil
		}
		return textproto.Header{}, nil, headerError(label, err)
	}
	return h, raw[end:], nil
}

// headerError rewords go-message's header errors ("message: malformed MIME
// header line: <line>CRLF") into a reason that names the entity and quotes
// the offending line.
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
	lf := bytes.Index(b, []byte("\n\n"))
	crlf := bytes.Index(b, []byte("\n\r\n"))
	switch {
	case lf < 0 && crlf < 0:
		return -1
	case crlf < 0 || lf >= 0 && lf < crlf:
		return lf + 2
	default:
		return crlf + 3
	}
}

// readHeader parses a header block with go-message, which handles folding
// and keeps every field.
func readHeader(b []byte) (textproto.Header, error) {
	return textproto.ReadHeader(bufio.NewReaderSize(bytes.NewReader(b), min(len(b)+16, 4096)))
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
