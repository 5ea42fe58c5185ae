package mimebody

import (
	"bytes"
	"fmt"
	"strings"
)

// decodeTransfer undoes a Content-Transfer-Encoding. It decodes base64 itself
// rather than with a stock decoder so that a bad character is an error with
// its position, and so that unpadded or concatenated base64, which some MMS
// encoders produce, is read.
func decodeTransfer(enc string, raw []byte) ([]byte, error) {
	switch transferToken(enc) {
	case "", "7bit", "8bit", "binary":
		return bytes.Clone(raw), nil
	case "base64":
		return decodeBase64(raw)
	case "quoted-printable":
		b, err := decodeQuotedPrintable(raw)
		if err != nil {
			return nil, fmt.Errorf("undecodable quoted-printable: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %s", Quote(enc))
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
