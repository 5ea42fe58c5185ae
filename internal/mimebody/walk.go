package mimebody

import (
	"strconv"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Limits on the MIME tree. Real MMS has one or two levels and a few dozen
// parts at most; the limits only stop inputs built to exhaust the parser.
const (
	MaxDepth       = 20      // nested multipart levels
	MaxParts       = 1000    // entities in the whole tree, containers included
	MaxHeaderBytes = 1 << 20 // one header block, as go-message's default
	MaxBoundary    = 256     // RFC 2046 allows 70; leave room for sloppy peers
)

// Decode walks one MIME entity, h being its header and body its still
// encoded body (as Split returns them), and returns its leaf parts in
// document order, decoded, and the type of the whole: for a multipart its
// type and parameters without the boundary, which means nothing once the
// body is split; for a single part the part's type, relabelled like the
// part when its text was converted. Parts do not alias body.
//
// Every error comes from Malformed; it names the part it is about ("part
// 2.1: ...").
func Decode(h Header, body []byte) (contentType string, parts []mms.Part, err error) {
	// Read once for the walk and for the type of the whole.
	typ, params := entityType(h.Get("Content-Type"))
	var w walker
	if err := w.walkTyped(h, typ, params, body, "", 0); err != nil {
		return "", nil, err
	}
	return topContentType(typ, params, w.parts), w.parts, nil
}

// topContentType is the type of the whole entity, typ and params being
// its Content-Type as read.
func topContentType(typ string, params map[string]string, parts []mms.Part) string {
	if !strings.HasPrefix(typ, "multipart/") && len(parts) == 1 {
		return parts[0].ContentType
	}
	delete(params, "boundary")
	return formatMediaType(typ, params)
}

// walker collects the leaf parts of one message in document order.
type walker struct {
	parts    []mms.Part
	entities int
}

// walk handles one entity: h is its header, body its still encoded body,
// label names it in errors ("part 2.1"; "" for the message itself) and level
// counts the multipart containers above it.
func (w *walker) walk(h Header, body []byte, label string, level int) error {
	typ, params := entityType(h.Get("Content-Type"))
	return w.walkTyped(h, typ, params, body, label, level)
}

// walkTyped is walk for an entity whose Content-Type has been read
// already, as typ and params.
func (w *walker) walkTyped(h Header, typ string, params map[string]string, body []byte, label string, level int) error {
	w.entities++
	if w.entities > MaxParts {
		return malformedf(nil, "more than %d MIME parts", MaxParts)
	}
	if !strings.HasPrefix(typ, "multipart/") {
		return w.leaf(h, typ, params, body, label)
	}
	if level >= MaxDepth {
		return malformedf(nil, "multipart nesting deeper than %d levels", MaxDepth)
	}
	boundary := params["boundary"]
	switch {
	case boundary == "":
		return malformedf(nil, "%s%s without boundary parameter", prefix(label), typ)
	case len(boundary) > MaxBoundary:
		return malformedf(nil, "%sboundary longer than %d characters", prefix(label), MaxBoundary)
	}
	// A Content-Transfer-Encoding on a container (RFC 2045 §6.4 forbids
	// any but 7bit/8bit/binary) is ignored, as go-message does: peers that
	// set it have not actually encoded the body.
	raws, err := splitMultipart(body, boundary, label, MaxParts-w.entities)
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
func (w *walker) leaf(h Header, typ string, params map[string]string, body []byte, label string) error {
	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return malformedf(err, "%s%v", prefix(label), err)
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
		ContentLocation: unquoteParam(Text(strings.TrimSpace(h.Get("Content-Location")))),
		ContentID:       ContentID(h.Get("Content-ID")),
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
	_, params := MediaType(disposition)
	return params["filename"]
}

// childLabel names part i of the entity labelled parent. Every part gets
// a label, errors or not, hence strconv rather than fmt.
func childLabel(parent string, i int) string {
	if parent == "" {
		return "part " + strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
}

// prefix introduces a reason with the entity it is about.
func prefix(label string) string {
	if label == "" {
		return ""
	}
	return label + ": "
}
