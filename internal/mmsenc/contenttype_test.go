package mmsenc

import (
	"bytes"
	"mime"
	"strings"
	"testing"
)

// §7: one octet or a Text-string without parameters, Value-length with
// them; parameters in the WSP 1.2 codes the examples use.
func TestContentTypeEncoding(t *testing.T) {
	for _, c := range []struct{ ct, wire, decoded string }{
		{"application/vnd.wap.mms-message", "be", ""},
		{"text/plain", "83", ""},
		{"application/smil", "61 70 70 6c 69 63 61 74 69 6f 6e 2f 73 6d 69 6c 00", ""},
		{"text/plain; charset=utf-8", "03 83 81 ea", ""},
		{"Text/Plain; Charset=UTF-8", "03 83 81 ea", "text/plain; charset=utf-8"},
		{"text/plain; charset=big5", "05 83 81 02 07 ea", ""},
		{"text/plain; charset=us-ascii", "03 83 81 83", ""},
		{"text/plain; charset=x-unheard-of", "0f 83 81 78 2d 75 6e 68 65 61 72 64 2d 6f 66 00", ""},
		{"image/jpeg; name=a.jpg", "08 9e 85 61 2e 6a 70 67 00", ""},
		{"audio/amr; name=v.amr", "11 61 75 64 69 6f 2f 61 6d 72 00 85 76 2e 61 6d 72 00", ""},
		{"text/x-vcard", "87", ""},
		{`application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`,
			"1b b3 8a 3c 73 6d 69 6c 3e 00 89 61 70 70 6c 69 63 61 74 69 6f 6e 2f 73 6d 69 6c 00", ""},
		// The unquoted form MMS software writes, read as the same thing.
		{"application/vnd.wap.multipart.related; start=<smil>; type=application/smil",
			"1b b3 8a 3c 73 6d 69 6c 3e 00 89 61 70 70 6c 69 63 61 74 69 6f 6e 2f 73 6d 69 6c 00",
			`application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`},
		{"application/vnd.wap.multipart.related; type=text/plain", "03 b3 89 83", `application/vnd.wap.multipart.related; type="text/plain"`},
		// Unknown parameters go untyped: Token-text name, Text-value.
		{"text/plain; format=flowed", "0f 83 66 6f 72 6d 61 74 00 66 6c 6f 77 65 64 00", ""},
		{`text/plain; note="a b"`, "0b 83 6e 6f 74 65 00 22 61 20 62 00", ""},
		{`text/plain; empty=""`, "08 83 65 6d 70 74 79 00 00", ""},
		// A value starting with a quote goes as a Quoted-string, so the
		// decoder's dropping of the first quote restores it.
		{`image/png; name="\"q\".png"`, "0b a0 85 22 22 71 22 2e 70 6e 67 00", ""},
	} {
		got, err := appendContentType(nil, c.ct)
		if err != nil || !bytes.Equal(got, mustHex(t, c.wire)) {
			t.Errorf("%q = % x, %v\nwant %s", c.ct, got, err, c.wire)
			continue
		}
		want := c.decoded
		if want == "" {
			want = c.ct
		}
		r := newReader(got)
		if s, err := r.contentType(); err != nil || s != want || r.left() != 0 {
			t.Errorf("read %s = %q, %v; want %q", c.wire, s, err, want)
		}
		if _, _, err := mime.ParseMediaType(want); err != nil {
			t.Errorf("mime.ParseMediaType(%q): %v", want, err)
		}
	}
}

// Decoding takes more than encoding writes: the 1.4 codes, Integer-value
// types and charsets, Q-values, levels, and steps over parameters it does
// not know.
func TestContentTypeDecodingVariants(t *testing.T) {
	for _, c := range []struct{ wire, want string }{
		{"04 9e 97 61 00", "image/jpeg; name=a"},
		{"08 b3 99 3c 73 3e 00 89 a0", `application/vnd.wap.multipart.related; start="<s>"; type="image/png"`},
		{"03 83 81 80", "text/plain; charset=*"},
		{"05 83 81 02 03 e8", "text/plain; charset=iso-10646-ucs-2"},
		{"05 83 81 02 12 34", "text/plain; charset=x-mibenum-4660"},
		{"05 83 81 ea 81 83", "text/plain; charset=utf-8"},
		{"03 83 80 33", "text/plain; q=0.5"},
		{"03 83 82 92", "text/plain; level=1.2"},
		{"03 83 83 9e", `text/plain; type="image/jpeg"`},
		{"05 83 87 61 62 00", "text/plain"},
		{"05 83 96 02 01 00", "text/plain; size=256"},
		{"06 83 6e 00 22 61 00", "text/plain; n=a"},
		{"04 83 6e 00 85", "text/plain; n=5"},
		{"03 02 02 01", "application/octet-stream"},
		{"ff", "application/octet-stream"},
		{"54 65 58 74 2f 58 00", "text/x"},
		{"74 65 78 74 2f 70 6c 61 69 6e 3b 20 63 68 61 72 73 65 74 3d 55 54 46 2d 38 00", "text/plain; charset=utf-8"},
	} {
		r := newReader(mustHex(t, c.wire))
		if s, err := r.contentType(); err != nil || s != c.want || r.left() != 0 {
			t.Errorf("read %s = %q, %v (%d left); want %q", c.wire, s, err, r.left(), c.want)
		}
	}
	for _, c := range []struct{ wire, err string }{
		{"05 83 81", "value length 5 runs past the end"},
		{"20 61 00", "not type/subtype"},
		{"61 62 63", "without its NUL"},
		{"03 83 85 61", "without its NUL"},
		{"05 83 61 20 62 00", "not a token"},
	} {
		_, err := newReader(mustHex(t, c.wire)).contentType()
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("read %s: %v, want %q", c.wire, err, c.err)
		}
	}
}

func TestParseContentType(t *testing.T) {
	for _, c := range []struct{ in, out, err string }{
		{in: "text/plain", out: "text/plain"},
		{in: " TEXT/PLAIN ; CHARSET = utf-8 ", out: "text/plain; charset=utf-8"},
		{in: "text/plain;; charset=utf-8;", out: "text/plain; charset=utf-8"},
		{in: `a/b; x="semi;colon"; y=z`, out: `a/b; x="semi;colon"; y=z`},
		{in: `a/b; x="back\\slash"`, out: `a/b; x="back\\slash"`},
		{in: "text", err: "not type/subtype"},
		{in: "", err: "not type/subtype"},
		{in: "text/plain; charset", err: "without a value"},
		{in: "text/plain; charset=a; charset=b", err: "given twice"},
		{in: `text/plain; a="open`, err: "unterminated"},
		{in: `text/plain; a="x"y`, err: "text after the quoted value"},
		{in: "text/plain; a b=c", err: "not a token"},
	} {
		media, params, err := parseContentType(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || formatContentType(media, params) != c.out {
			t.Errorf("%q = %q, %v; want %q", c.in, formatContentType(media, params), err, c.out)
		}
	}
}
