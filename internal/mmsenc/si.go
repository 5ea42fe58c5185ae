package mmsenc

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MediaSI is the content type of a WBXML Service Indication, the body Push
// carries for Multimedia WAP Push (mms-encoding.md §11).
const MediaSI = "application/vnd.wap.sic"

// SI is a Service Indication (WAP-167-ServiceInd): a URL and a line of text
// that the handset shows, asking the user whether to open the page.
type SI struct {
	Href    string    // the page URL; "" leaves href out (allowed with SIID, e.g. to delete)
	Text    string    // shown to the user: the content of <indication>
	SIID    string    // optional si-id: a later SI with the same id replaces or deletes this one
	Created time.Time // optional; the zero time leaves it out
	Expires time.Time // optional si-expires, same form
	Action  string    // "" (no attribute: signal-medium), "signal-none", "signal-low", "signal-medium", "signal-high", "delete"
}

// EncodeSI writes si as a WBXML 1.3 document: public id 5 (SI 1.0),
// charset UTF-8, an empty string table, and
//
//	<si><indication href si-id created si-expires action>Text</indication></si>
//
// with the attributes that are set, in that order, as in the worked
// example of §13 (which is byte for byte this, but for its version 1.2).
// Href uses the start tokens for "http://", "https://" and their "www."
// forms and the value tokens for ".com/", ".edu/", ".net/" and ".org/";
// the rest of every string is an inline string, so the document needs no
// string table. Dates are written in whole seconds, UTC.
//
// Inline strings end at a NUL, so Href, Text and SIID must not contain
// one; they must be UTF-8. Errors wrap ErrInvalid.
func EncodeSI(si SI) ([]byte, error) {
	for _, f := range []struct{ name, v string }{{"href", si.Href}, {"text", si.Text}, {"si-id", si.SIID}} {
		if err := checkInline(f.v); err != nil {
			return nil, invalidf("SI %s: %v", f.name, err)
		}
	}
	action, ok := siActions[si.Action]
	if !ok && si.Action != "" {
		return nil, invalidf("SI action %q is not one of signal-none, signal-low, signal-medium, signal-high, delete", si.Action)
	}

	var attrs []byte
	if si.Href != "" {
		attrs = appendHref(attrs, si.Href)
	}
	if si.SIID != "" {
		attrs = appendStrI(append(attrs, siAttrSIID), si.SIID)
	}
	var err error
	for _, d := range []struct {
		token byte
		name  string
		t     time.Time
	}{{siAttrCreated, "created", si.Created}, {siAttrSIExpires, "si-expires", si.Expires}} {
		if d.t.IsZero() {
			continue
		}
		if attrs, err = appendSIDate(append(attrs, d.token), d.t); err != nil {
			return nil, invalidf("SI %s: %v", d.name, err)
		}
	}
	if ok {
		attrs = append(attrs, action)
	}

	b := []byte{wbxmlVersion13, publicIDSI, mibUTF8, 0} // mibUTF8 < 0x80: a one-octet mb_u_int32
	b = append(b, siTagSI|wbxHasContent)
	tag := byte(siTagIndication)
	if len(attrs) > 0 {
		tag |= wbxHasAttrs
	}
	if si.Text != "" {
		tag |= wbxHasContent
	}
	b = append(b, tag)
	if len(attrs) > 0 {
		b = append(append(b, attrs...), wbxEnd)
	}
	if si.Text != "" {
		b = append(appendStrI(b, si.Text), wbxEnd)
	}
	return append(b, wbxEnd), nil // </si>
}

func checkInline(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Errorf("%q contains a NUL octet at %d, which would end the inline string", s, i)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	return nil
}

func appendStrI(b []byte, s string) []byte {
	b = append(b, wbxStrI)
	b = append(b, s...)
	return append(b, 0)
}

// appendHref writes the href attribute: the longest start token that
// prefixes it, then the rest as inline strings broken at every value
// token. Tokens only save octets; a decoder joins the pieces back.
func appendHref(b []byte, href string) []byte {
	start, rest := byte(siAttrHref), href
	for _, s := range hrefStarts {
		if r, ok := strings.CutPrefix(href, s.prefix); ok {
			start, rest = s.token, r
			break
		}
	}
	b = append(b, start)
	for rest != "" {
		i, token, n := nextValueToken(rest)
		if i > 0 {
			b = appendStrI(b, rest[:i])
		}
		if n == 0 {
			break
		}
		b = append(b, token)
		rest = rest[i+n:]
	}
	return b
}

// nextValueToken finds the first value token in s: where it starts, the
// token, and how many octets it stands for (0 and i = len(s) when none).
func nextValueToken(s string) (i int, token byte, n int) {
	i = len(s)
	for tok, v := range siAttrValues {
		if j := strings.Index(s, v); j >= 0 && j < i {
			i, token, n = j, tok, len(v)
		}
	}
	return i, token, n
}
