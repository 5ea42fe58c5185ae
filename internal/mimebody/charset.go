package mimebody

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// toUTF8Text converts a text/* body to UTF-8 and returns the charset to
// label it with. A charset charsetReader does not know leaves the data and
// its label alone: passing the text on untouched beats refusing it.
func toUTF8Text(data []byte, label string) ([]byte, string) {
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(data) {
			return data, "utf-8"
		}
		return data, label
	}
	r, err := charsetReader(label, bytes.NewReader(data))
	if err != nil {
		return data, label
	}
	conv, err := io.ReadAll(r)
	if err != nil {
		return data, label
	}
	return conv, "utf-8"
}

// charsetReader converts input in the charset label to UTF-8, for bodies
// and for RFC 2047 words. It knows the charsets go-message's charset
// package knows, which this package used before, found the same way: its
// two quirks, then the IANA MIME names, those names with the "cs" prefix
// of their aliases, and the WHATWG labels browsers accept.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc := charsetQuirk(strings.ToLower(label))
	if enc == nil {
		enc, _ = ianaindex.MIME.Encoding(label)
	}
	if enc == nil {
		enc, _ = ianaindex.MIME.Encoding("cs" + label)
	}
	if enc == nil {
		enc, _ = htmlindex.Get(label)
	}
	if enc == nil {
		return nil, fmt.Errorf("charset %q: unsupported charset", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// charsetQuirk covers the labels the indexes miss, and those they know but
// cannot decode: UTF-7's names and aliases ("utf7" being found as
// "csutf7").
func charsetQuirk(label string) encoding.Encoding {
	switch label {
	case "utf-7", "utf7", "csutf7", "unicode-1-1-utf-7", "csunicode11utf7":
		return utf7
	case "ansi_x3.110-1983": // RFC 1345 page 62: mostly a superset of ISO 8859-1
		return charmap.ISO8859_1
	case "x-utf_8j": // ICU's alias of UTF-8
		return unicode.UTF8
	}
	return nil
}
