package mimebody

import "strings"

// Entity is one part of a multipart, its body still encoded.
type Entity struct {
	Header Header
	Body   []byte
}

// Children splits a multipart entity into its direct parts, without
// decoding them: for a caller that must pick parts by their role before
// reading them, as an MM7 request's SOAP part and its content (RFC 2387).
// Each child can then be read with Decode. A body that is not a multipart
// is malformed here.
func Children(h Header, body []byte) ([]Entity, error) {
	typ, params := entityType(h.Get("Content-Type"))
	if !strings.HasPrefix(typ, "multipart/") {
		return nil, malformedf(nil, "%s is not a multipart", typ)
	}
	boundary := params["boundary"]
	switch {
	case boundary == "":
		return nil, malformedf(nil, "%s without boundary parameter", typ)
	case len(boundary) > MaxBoundary:
		return nil, malformedf(nil, "boundary longer than %d characters", MaxBoundary)
	}
	raws, err := splitMultipart(body, boundary, "", MaxParts)
	if err != nil {
		return nil, err
	}
	children := make([]Entity, 0, len(raws))
	for i, raw := range raws {
		ch, cbody, err := splitEntity(raw, childLabel("", i+1), true)
		if err != nil {
			return nil, err
		}
		children = append(children, Entity{Header: ch, Body: cbody})
	}
	return children, nil
}
