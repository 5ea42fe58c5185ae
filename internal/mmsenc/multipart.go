package mmsenc

import (
	"fmt"
	"math"
	"strings"
)

// isMultipart reports whether a body of this media type is a WSP multipart
// (WAP-230-WSP §8.5) rather than opaque data.
func isMultipart(media string) bool {
	return strings.HasPrefix(media, "application/vnd.wap.multipart.") || strings.HasPrefix(media, "multipart/")
}

// appendMultipart writes the entry count and, per entry, HeadersLen, DataLen,
// Content-Type, the part headers and the data. Content-Location and
// Content-ID are the only part headers, and in that order, because AOSP
// stops reading part headers at the first well-known one it does not handle
// (rule 6).
func appendMultipart(b []byte, parts []Part) ([]byte, error) {
	if uint64(len(parts)) > math.MaxUint32 {
		return b, fmt.Errorf("%d parts", len(parts))
	}
	b = appendUintvar(b, uint32(len(parts)))
	var hdr []byte
	var err error
	for i, part := range parts {
		if part.ContentType == "" {
			return b, fmt.Errorf("part %d: Content-Type missing", i+1)
		}
		if hdr, err = appendContentType(hdr[:0], part.ContentType); err != nil {
			return b, fmt.Errorf("part %d: %w", i+1, err)
		}
		if part.ContentLocation != "" {
			if hdr, err = appendText(append(hdr, wspContentLocation), part.ContentLocation); err != nil {
				return b, fmt.Errorf("part %d: Content-Location: %w", i+1, err)
			}
		}
		if part.ContentID != "" {
			if hdr, err = appendQuoted(append(hdr, wspContentID), part.ContentID); err != nil {
				return b, fmt.Errorf("part %d: Content-ID: %w", i+1, err)
			}
		}
		if uint64(len(part.Data)) > math.MaxUint32 {
			return b, fmt.Errorf("part %d: %d octets do not fit a uintvar length", i+1, len(part.Data))
		}
		b = appendUintvar(b, uint32(len(hdr)))
		b = appendUintvar(b, uint32(len(part.Data)))
		b = append(b, hdr...)
		b = append(b, part.Data...)
	}
	return b, nil
}

// multipart reads a multipart body to the end of r. Data in the parts points
// into r's buffer.
func (r *reader) multipart() ([]Part, error) {
	n, err := r.uintvar()
	if err != nil {
		return nil, within(err, "multipart entry count")
	}
	// Every entry takes at least two octets, so a count the data cannot
	// hold is caught by the reads below; do not trust it for allocation.
	parts := make([]Part, 0, min(int64(n), int64(r.left()/2)))
	for i := range n {
		part, err := r.part()
		if err != nil {
			return nil, within(err, fmt.Sprintf("part %d of %d", i+1, n))
		}
		parts = append(parts, part)
	}
	if r.left() > 0 {
		return nil, r.failAt(r.pos, "%d octets after the last of %d parts", r.left(), n)
	}
	return parts, nil
}

func (r *reader) part() (Part, error) {
	hl, err := r.uintvar()
	if err != nil {
		return Part{}, within(err, "headers length")
	}
	dl, err := r.uintvar()
	if err != nil {
		return Part{}, within(err, "data length")
	}
	h, err := r.sub(int(hl))
	if err != nil {
		return Part{}, within(err, "headers")
	}
	data, err := r.octets(int(dl))
	if err != nil {
		return Part{}, within(err, "data")
	}
	ct, err := h.contentType()
	if err != nil {
		return Part{}, within(err, "Content-Type")
	}
	part := Part{ContentType: ct, Data: data}
	if err := h.partHeaders(&part); err != nil {
		return Part{}, err
	}
	return part, nil
}

// partHeaders reads WSP headers to the end of r, keeping Content-Location
// and Content-ID and stepping over the rest (Content-Disposition, vendor
// headers). Headers after a shift to another code page are stepped over too:
// their codes mean something else there.
func (r *reader) partHeaders(part *Part) error {
	page := byte(1)
	for r.left() > 0 {
		start := r.pos
		c, _ := r.octet()
		switch {
		case c == textQuote: // Shift-delimiter, then the page
			p, err := r.octet()
			if err != nil {
				return within(err, "code page shift")
			}
			page = p
		case c < 0x20: // Short-cut-shift-delimiter
			page = c
		case c < shortIntFlag: // Application-header: Token-text, Text-string
			r.pos = start
			if _, err := r.rawText(); err != nil {
				return within(err, "application header name")
			}
			if _, err := r.rawText(); err != nil {
				return within(err, "application header value")
			}
		case page == 1 && c == wspContentLocation:
			s, err := r.text()
			if err != nil {
				return within(err, "Content-Location")
			}
			part.ContentLocation = s
		case page == 1 && c == wspContentID:
			s, err := r.textValue()
			if err != nil {
				return within(err, "Content-ID")
			}
			part.ContentID = s
		default:
			if err := r.skipValue(); err != nil {
				return within(err, fmt.Sprintf("part header 0x%02X", c))
			}
		}
	}
	return nil
}
