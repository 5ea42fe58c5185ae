package mimebody

import (
	"bytes"
	"strings"
)

// Split separates a message (or any MIME entity as received, CRLF or bare
// LF line ends) into its header, read by ReadHeader, and its body, still
// encoded, for Decode. Empty input and a header block over MaxHeaderBytes
// are refused; so is a header ReadHeader refuses, with the offending line
// quoted.
func Split(raw []byte) (Header, []byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return Header{}, nil, malformedf(nil, "empty message")
	}
	return splitEntity(raw, "", false)
}

// splitEntity separates an entity's header block from its body and parses
// the header. label names the entity in errors. With headerless, a block
// that does not even start like a header is taken as a body without header
// (a part whose writer forgot the blank line after an empty header); a
// message's own header never gets that benefit of the doubt.
func splitEntity(raw []byte, label string, headerless bool) (Header, []byte, error) {
	end := headerEnd(raw)
	if end > MaxHeaderBytes || end < 0 && len(raw) > MaxHeaderBytes {
		return Header{}, nil, malformedf(nil, "%sheader block over 1 MB", prefix(label))
	}
	if end < 0 {
		end = len(raw) // a header with no body
	}
	h, err := ReadHeader(raw[:end])
	if err != nil {
		if headerless && !looksLikeHeader(raw) {
			return Header{}, raw, nil
		}
		return Header{}, nil, headerError(label, err)
	}
	return h, raw[end:], nil
}

// headerError rewords ReadHeader's errors, worded as go-message's
// ("message: malformed MIME header line: <line>CRLF"), into a reason that
// names the entity and quotes the offending line.
func headerError(label string, err error) error {
	msg := strings.TrimSpace(err.Error())
	if _, detail, ok := strings.Cut(msg, "malformed MIME header "); ok {
		what, val, _ := strings.Cut(detail, ": ")
		return malformedf(err, "%sbad header %s %s", prefix(label), what, Quote(strings.TrimSpace(val)))
	}
	return malformedf(err, "%s%s", prefix(label), msg)
}

// headerEnd returns the index just after the blank line that ends the
// header block, or -1 when there is none. Only the first MaxHeaderBytes+2
// bytes are searched, so an endless header costs no more than that.
//
// It walks the line ends once: searching for "\n\n" and "\n\r\n"
// separately would scan a whole CRLF (or LF) message for the form that
// never occurs in it.
func headerEnd(b []byte) int {
	if len(b) > MaxHeaderBytes+2 {
		b = b[:MaxHeaderBytes+2]
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
