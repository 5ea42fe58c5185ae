package mimebody

import "bytes"

// splitMultipart cuts a multipart body (RFC 2046 §5.1.1) into the raw bytes
// of its body parts. It works on the bytes in memory rather than through
// go-message's streaming reader because that reader decides CRLF or LF once,
// at the first delimiter, and reports a truncated body only as an opaque
// io.EOF text; here a delimiter may be preceded by CRLF or a bare LF
// anywhere, and each failure has its own reason.
//
// A delimiter line is "--" boundary at the start of a line, followed by
// optional white space up to the line end; "--" boundary "--" closes the
// body. The line break before a delimiter belongs to the delimiter.
//
// At most budget parts are taken, so that a body of a million tiny parts is
// refused before it costs a million slices.
func splitMultipart(body []byte, boundary, label string, budget int) ([][]byte, error) {
	dash := []byte("--" + boundary)
	first, ok := findDelimiter(body, 0, dash)
	if !ok {
		return nil, malformedf(nil, "%sdeclared boundary %s never found", prefix(label), Quote(boundary))
	}
	if first.close {
		return nil, malformedf(nil, "%smultipart has no body parts", prefix(label))
	}
	var parts [][]byte
	for pos := first.next; ; {
		if len(parts) >= budget {
			return nil, malformedf(nil, "more than %d MIME parts", MaxParts)
		}
		d, ok := findDelimiter(body, pos, dash)
		if !ok {
			return nil, malformedf(nil, "%s: closing boundary %s missing (truncated part)",
				childLabel(label, len(parts)+1), Quote(boundary))
		}
		parts = append(parts, body[pos:max(d.end, pos)])
		if d.close {
			return parts, nil
		}
		pos = d.next
	}
}

// delimiter is one delimiter line found in a multipart body.
type delimiter struct {
	end   int  // where the preceding part's content ends (its line break excluded)
	next  int  // first byte after the delimiter line
	close bool // "--boundary--"
}

func findDelimiter(b []byte, from int, dash []byte) (delimiter, bool) {
	for from <= len(b) {
		i := bytes.Index(b[from:], dash)
		if i < 0 {
			return delimiter{}, false
		}
		pos := from + i
		from = pos + 1
		if pos > 0 && b[pos-1] != '\n' {
			continue // "--boundary" inside a line is content
		}
		rest := b[pos+len(dash):]
		d := delimiter{end: pos, next: len(b)}
		if bytes.HasPrefix(rest, []byte("--")) {
			d.close = true
		}
		line := rest
		if eol := bytes.IndexByte(rest, '\n'); eol >= 0 {
			line = rest[:eol]
			d.next = pos + len(dash) + eol + 1
		}
		// "--boundaryX" is a longer boundary, not ours; after a closing
		// delimiter anything goes (the epilogue is ignored anyway).
		if !d.close && len(bytes.Trim(line, " \t\r")) != 0 {
			continue
		}
		if pos > 0 {
			d.end = pos - 1
			if d.end > 0 && b[d.end-1] == '\r' {
				d.end--
			}
		}
		return d, true
	}
	return delimiter{}, false
}
