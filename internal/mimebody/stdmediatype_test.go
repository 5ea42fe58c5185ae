package mimebody

import (
	"mime"
	"strconv"
	"testing"
)

// sameAsMime fails t unless stdFormatMediaType(typ, params) is what
// mime.FormatMediaType makes of them.
func sameAsMime(t *testing.T, typ string, params map[string]string) {
	t.Helper()
	if got, want := stdFormatMediaType(typ, params), mime.FormatMediaType(typ, params); got != want {
		t.Fatalf("stdFormatMediaType(%q, %q) = %q, want %q", typ, params, got, want)
	}
}

func TestStdFormatMediaTypeMatchesMime(t *testing.T) {
	many := map[string]string{}
	for i := range 20 {
		many["p"+strconv.Itoa(19-i)] = strconv.Itoa(i)
	}
	tests := []struct {
		typ    string
		params map[string]string
	}{
		{"text/plain", nil},
		{"TEXT/Plain", map[string]string{}},
		{"text", nil},
		{"", nil},
		{"text/", nil},
		{"/plain", nil},
		{"text/plain/x", nil},
		{"text /plain", nil},
		{"tëxt/plain", nil},
		{"multipart/related", map[string]string{"type": "application/smil", "start": "<smil>", "boundary": "b"}},
		{"image/jpeg", map[string]string{"name": "photo.jpg"}},
		{"image/jpeg", map[string]string{"Name": "A", "name": "b", "NAME": "c"}},
		{"text/plain", map[string]string{"charset": "utf-8", "format": "flowed", "delsp": "yes"}},
		{"text/plain", map[string]string{"name": ""}},
		{"text/plain", map[string]string{"name": "two words"}},
		{"text/plain", map[string]string{"name": `quote " and \ backslash`}},
		{"text/plain", map[string]string{"name": "tab\there"}},
		{"text/plain", map[string]string{"name": "line\r\nbreak"}},
		{"text/plain", map[string]string{"name": "del\x7f"}},
		{"text/plain", map[string]string{"name": "Grüße 😀.txt"}},
		{"text/plain", map[string]string{"name": "bad\xffutf8"}},
		{"text/plain", map[string]string{"name": "a*b'c%d(e)f"}},
		{"text/plain", map[string]string{"name": "ü*'%()<>@,;:\\\"/[]?= ~"}},
		{"text/plain", map[string]string{"bad key": "x"}},
		{"text/plain", map[string]string{"": "x"}},
		{"text/plain", map[string]string{"ok": "x", "b@d": "y"}},
		{"text/plain", many},
	}
	for _, tt := range tests {
		sameAsMime(t, tt.typ, tt.params)
	}
}

// FuzzStdFormatMediaType: stdFormatMediaType agrees with
// mime.FormatMediaType on any type and up to three parameters.
func FuzzStdFormatMediaType(f *testing.F) {
	f.Add("text/plain", "charset", "utf-8", "name", "a b.txt", "x", "")
	f.Add("Image/JPEG", "Name", "Grüße.jpg", "name", `a"b\c`, "a*", "%'*")
	f.Add("multipart/related", "type", "application/smil", "start", "<smil>", "boundary", "=_x")
	f.Fuzz(func(t *testing.T, typ, k1, v1, k2, v2, k3, v3 string) {
		sameAsMime(t, typ, map[string]string{k1: v1, k2: v2, k3: v3})
		sameAsMime(t, typ, map[string]string{k1: v1})
		sameAsMime(t, typ, nil)
	})
}
