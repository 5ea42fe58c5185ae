package mm4

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// decodeTransfer undoes a Content-Transfer-Encoding. It decodes base64 itself
// rather than through go-message so that a bad character is an error with
// its position, and so that unpadded or concatenated base64, which some MMS
// encoders produce, is read.
func decodeTransfer(enc string, raw []byte) ([]byte, error) {
	switch transferToken(enc) {
	case "", "7bit", "8bit", "binary":
		return bytes.Clone(raw), nil
	case "base64":
		return decodeBase64(raw)
	case "quoted-printable":
		// The standard reader keeps invalid escapes like "=ZZ" as text,
		// which is what RFC 2045 §6.7 suggests a robust decoder do.
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return nil, fmt.Errorf("undecodable quoted-printable: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %s", quote(enc))
	}
}

// transferToken reads the mechanism of a Content-Transfer-Encoding,
// lowered, ignoring quotes and anything after it ("base64; x", "8bit
// (comment)"), which a few peers add.
func transferToken(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " \t;("); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.Trim(v, `"`))
}

// errBase64 marks base64 that cannot be decoded, for errors.Is in tests.
var errBase64 = errors.New("undecodable base64")

// decodeBase64 decodes base64 ignoring spaces, tabs and line breaks (any
// line length). A run may lack its padding at the very end, and several
// padded runs may follow each other, as when an encoder flushes per line.
// Any other character is an error.
func decodeBase64(raw []byte) ([]byte, error) {
	src := stripSpace(raw)
	dst := make([]byte, 0, base64.StdEncoding.DecodedLen(len(src)))
	for done := 0; done < len(src); {
		run := src[done:]
		if i := bytes.IndexByte(run, '='); i >= 0 {
			end := i + 1
			for end < len(run) && run[end] == '=' && end < i+2 {
				end++
			}
			run = run[:end]
		}
		enc := base64.StdEncoding
		if len(run)%4 != 0 && run[len(run)-1] != '=' && done+len(run) == len(src) {
			enc = base64.RawStdEncoding
		}
		var err error
		if dst, err = enc.AppendDecode(dst, run); err != nil {
			var corrupt base64.CorruptInputError
			if errors.As(err, &corrupt) {
				at := done + int(corrupt)
				if at < len(src) && !isBase64Char(src[at]) {
					return nil, fmt.Errorf("%w: character %q at offset %d", errBase64, src[at], at)
				}
				return nil, fmt.Errorf("%w: bad length or padding near offset %d", errBase64, at)
			}
			return nil, fmt.Errorf("%w: %v", errBase64, err)
		}
		done += len(run)
	}
	return dst, nil
}

// stripSpace returns a copy of b without spaces, tabs, CRs and LFs. It works
// line by line because base64 lines rarely hold anything else to drop, so
// most of the work is a few IndexByte calls and a copy per line.
func stripSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.IndexByte(line, ' ') < 0 && bytes.IndexByte(line, '\t') < 0 && bytes.IndexByte(line, '\r') < 0 {
			out = append(out, line...)
			continue
		}
		for _, c := range line {
			if c != ' ' && c != '\t' && c != '\r' {
				out = append(out, c)
			}
		}
	}
	return out
}

func isBase64Char(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// toUTF8Text converts a text/* body to UTF-8 and returns the charset to
// label it with. A charset go-message cannot convert leaves the data and
// its label alone: passing the text on untouched beats refusing it.
func toUTF8Text(data []byte, label string) ([]byte, string) {
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(data) {
			return data, "utf-8"
		}
		return data, label
	}
	r, err := charset.Reader(label, bytes.NewReader(data))
	if err != nil {
		return data, label
	}
	conv, err := io.ReadAll(r)
	if err != nil {
		return data, label
	}
	return conv, "utf-8"
}
