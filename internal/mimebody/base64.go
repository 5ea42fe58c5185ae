package mimebody

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
)

// errBase64 marks base64 that cannot be decoded, for errors.Is in tests.
var errBase64 = errors.New("undecodable base64")

// decodeBase64 decodes base64 ignoring spaces, tabs and line breaks (any
// line length). A run may lack its padding at the very end, and several
// padded runs may follow each other, as when an encoder flushes per line.
// Any other character is an error.
//
// appendBase64Runs over the stripped body defines the result. Bodies are
// decoded straight from raw where decodeChunk allows, though, which saves
// the stripped copy and a pass over it: whole when the body looks like one
// padded run, as it nearly always is, else line by line up to the first
// line that does not decode alone. What is left goes the defining way.
// Should that fail, the whole body is decoded again the defining way, so
// that the error and its offset (counted in the stripped body) are what
// they always were.
func decodeBase64(raw []byte) ([]byte, error) {
	// Each character carries 6 bits, so this bounds the output however
	// much of raw is line breaks or white space.
	buf := make([]byte, 0, base64.RawStdEncoding.DecodedLen(len(raw)))
	if lastLineWhole(raw) {
		if dst, ok := decodeChunk(buf, raw); ok {
			return dst, nil
		}
	}
	dst, rest := decodeBase64Lines(buf, raw)
	if len(rest) == 0 {
		return dst, nil
	}
	if dst, err := appendBase64Runs(dst, stripSpace(rest)); err == nil {
		return dst, nil
	}
	return appendBase64Runs(buf, stripSpace(raw))
}

// decodeChunk appends to dst the decoding of chunk, a piece of a base64
// body, when the standard decoder accepts it on its own; ok is false when
// it does not.
//
// What it accepts it decodes as appendBase64Runs does as part of the whole
// stripped body. The standard decoder skips CRs and LFs as stripSpace drops
// them and refuses spaces and tabs, so it saw the chunk's share of the
// stripped body; and accepting that share means it is whole quanta with
// '=' only at its end. So no run of the whole body straddles the chunk's
// end: a run ends at '=' unless another '=' follows, and the next piece
// cannot start with '=' (neither a chunk decodeChunk accepts nor a rest
// appendBase64Runs accepts can).
func decodeChunk(dst, chunk []byte) ([]byte, bool) {
	// DecodedLen is what Decode may write; the caller's capacity, sized
	// from the whole body, always has room for it.
	if cap(dst)-len(dst) < base64.StdEncoding.DecodedLen(len(chunk)) {
		return dst, false
	}
	n, err := base64.StdEncoding.Decode(dst[len(dst):cap(dst)], chunk)
	if err != nil {
		return dst, false
	}
	return dst[:len(dst)+n], true
}

// lastLineWhole reports whether the last line of raw with text holds whole
// quanta, so that the body may be one padded run. It keeps decodeBase64
// from decoding a body whose padding is missing all the way through only
// to fail at its end.
func lastLineWhole(raw []byte) bool {
	raw = bytes.TrimRight(raw, " \t\r\n")
	line := raw[bytes.LastIndexByte(raw, '\n')+1:]
	return len(line)%4 == 0
}

// decodeBase64Lines appends to dst the decoding of the leading lines of
// raw that decodeChunk takes one at a time, and returns the rest of raw
// from the first line it refuses.
func decodeBase64Lines(dst, raw []byte) ([]byte, []byte) {
	for len(raw) > 0 {
		line, next, _ := bytes.Cut(raw, []byte("\n"))
		// A last line without its padding is the usual line to refuse;
		// its length tells without decoding it only to fail.
		if len(bytes.TrimSuffix(line, []byte("\r")))%4 != 0 {
			break
		}
		var ok bool
		if dst, ok = decodeChunk(dst, line); !ok {
			break
		}
		raw = next
	}
	return dst, raw
}

// appendBase64Runs appends to dst the decoding of src, which holds no
// white space, as a series of padded runs of which the last may lack its
// padding. Error offsets count from the start of src.
func appendBase64Runs(dst, src []byte) ([]byte, error) {
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
