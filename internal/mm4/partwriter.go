package mm4

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"mime"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"
)

// outPart is one body part as Build and BuildForward write it. Both lay
// out their parts differently but write them the same way, so that what
// one reader accepts from one it accepts from the other.
type outPart struct {
	contentType string // a value ready for the header
	id          string // Content-ID with its angle brackets; "" = none
	location    string // Content-Location as text; "" = none
	disposition string // Content-Disposition ready for the header; "" = none
	encoding    string // Content-Transfer-Encoding, from chooseEncoding
	data        []byte
}

// newBoundary returns a multipart boundary: base32 of 130 random bits
// cannot occur in the content by chance, and needs no quoting.
func newBoundary() string { return "mm4-" + rand.Text() }

// writeParts writes a multipart body: each part after a delimiter line,
// then the closing delimiter.
func writeParts(b *bytes.Buffer, boundary string, parts []outPart) {
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n")
		p.write(b)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
}

// write writes the part's header, in the order of mm4.md §12.1, and its
// encoded body.
func (p outPart) write(b *bytes.Buffer) {
	writeField(b, "Content-Type", p.contentType)
	if p.id != "" {
		// Not folded: an ID is compared byte for byte, and unfolding could
		// merge two spaces in it.
		b.WriteString("Content-ID: " + p.id + "\r\n")
	}
	if p.location != "" {
		writeField(b, "Content-Location", encodeText(p.location, len("Content-Location: ")))
	}
	if p.disposition != "" {
		writeField(b, "Content-Disposition", p.disposition)
	}
	if p.encoding != "7bit" {
		writeField(b, "Content-Transfer-Encoding", p.encoding)
	}
	b.WriteString("\r\n")
	switch p.encoding {
	case "base64":
		writeBase64(b, p.data)
	case "quoted-printable":
		w := quotedprintable.NewWriter(b)
		w.Write(p.data) // writes to a bytes.Buffer do not fail
		w.Close()
	default:
		b.Write(p.data)
	}
}

// chooseEncoding keeps text readable on the wire where that loses nothing:
// UTF-8 text already in canonical CRLF form goes as 7bit when it is short
// ASCII lines and as quoted-printable otherwise. Everything else, including
// text with bare LFs or in another charset, goes as base64 so that the
// bytes arrive exactly as given.
func chooseEncoding(contentType string, data []byte) string {
	typ, params, _ := mime.ParseMediaType(contentType)
	cs := strings.ToLower(params["charset"])
	textual := strings.HasPrefix(typ, "text/") || typ == "application/smil"
	if !textual || (cs != "" && cs != "utf-8" && cs != "us-ascii") || !utf8.Valid(data) || !canonicalLines(data) {
		return "base64"
	}
	line, ascii := 0, true
	for _, c := range data {
		switch {
		case c == '\n':
			line = 0
			continue
		case c == 0 || c >= 0x80:
			ascii = false
		}
		if line++; line > 998 {
			ascii = false
		}
	}
	if ascii {
		return "7bit"
	}
	return "quoted-printable"
}

// canonicalLines reports whether every CR and LF in b is part of a CRLF.
func canonicalLines(b []byte) bool {
	for i, c := range b {
		switch {
		case c == '\r' && (i+1 >= len(b) || b[i+1] != '\n'):
			return false
		case c == '\n' && (i == 0 || b[i-1] != '\r'):
			return false
		}
	}
	return true
}

// writeBase64 writes data as base64 in lines of 76 characters (RFC 2045
// §6.8), CRLF between lines.
func writeBase64(b *bytes.Buffer, data []byte) {
	const perLine = 57 // bytes that encode to 76 characters
	line := make([]byte, 0, 76)
	for i := 0; i < len(data); i += perLine {
		if i > 0 {
			b.WriteString("\r\n")
		}
		line = base64.StdEncoding.AppendEncode(line[:0], data[i:min(i+perLine, len(data))])
		b.Write(line)
	}
}
