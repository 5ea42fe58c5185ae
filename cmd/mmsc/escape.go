package main

import (
	"bytes"
	"encoding/json"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// What mmsc prints about messages reaches a terminal, and the accept path
// has cleaned only the text stored since it learnt to (mms.CleanText); a
// row stored before, or a field it leaves as sent (an ID), may still hold
// characters that act on the terminal. Everything printed passes
// mms.EscapeText, which shows them instead.

// escapeCells is row with every cell escaped (mms.EscapeText), in place.
func escapeCells(row []string) []string {
	for i, c := range row {
		row[i] = mms.EscapeText(c)
	}
	return row
}

// escapedJSON is v as list writes it (HTML left unescaped), with escapeJSON
// applied: encoding/json escapes C0 controls but writes C1 controls, DEL
// and the bidi overrides raw.
func escapedJSON(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeJSON(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// escapeJSON is the JSON text b with every character that acts on a
// terminal written as a \u escape, which a JSON reader decodes back to the
// same character. b must be compact JSON as encoding/json and log/slog
// write it: valid UTF-8 with every C0 control inside a string escaped, so
// that what mms.EscapeText escapes lies inside strings and is a rune, never
// a stray byte. It returns b itself when there is nothing to escape.
func escapeJSON(b []byte) []byte {
	s := string(b)
	if e := mms.EscapeText(s); e != s {
		return []byte(e)
	}
	return b
}
