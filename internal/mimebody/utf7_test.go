package mimebody

import (
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

var utf7Tests = []struct {
	name, in, want string
}{
	// RFC 2152's examples.
	{"RFC smiley", "Hi Mom -+Jjo--!", "Hi Mom -☺-!"},
	{"RFC run ended by direct character", "A+ImIDkQ.", "A≢Α."},
	{"RFC Japanese", "+ZeVnLIqe-", "日本語"},
	{"RFC pound", "Item 3 is +AKM-1.", "Item 3 is £1."},
	{"plus sign", "1 +- 1 = 2", "1 + 1 = 2"},
	{"plus signs", "+-+-", "++"},
	{"run after plus sign", "+-+AKM-", "+£"},
	{"surrogate pair", "+2D3eAA-", "😀"},
	{"run ended by end of input", "+AKM", "£"},
	{"run ended by space", "+AKM 1", "£ 1"},
	{"minus after run", "+AKM--", "£-"},
	{"two units", "+AKMAMQ.", "£1."},
	{"any ASCII is direct", "~\\ \t\r\n\x00!", "~\\ \t\r\n\x00!"},
	{"empty", "", ""},

	// Ill-formed input.
	{"lone plus at end", "a+", "a\uFFFD"},
	{"plus before non-base64", "+!", "\uFFFD!"},
	{"plus before space", "a+ b", "a\uFFFD b"},
	{"character of six bits", "+A-", "\uFFFD"},
	{"character of six bits after unit", "+AKMA-", "£\uFFFD"},
	{"non-zero padding bits", "+AKN-", "£\uFFFD"},
	{"lone high surrogate", "+2D0-", "\uFFFD"},
	{"lone high surrogate at end", "+2D0", "\uFFFD"},
	{"lone low surrogate", "+3gA-", "\uFFFD"},
	{"high surrogate then BMP", "+2D0AQQ-", "\uFFFDA"},
	{"low then high surrogate", "+3gDYPQ-", "\uFFFD\uFFFD"},
	{"pair split across runs", "+2D0-+3gA-", "\uFFFD\uFFFD"},
	{"8-bit byte", "caf\xe9", "caf\uFFFD"},
	{"8-bit bytes", "\x80\xff", "\uFFFD\uFFFD"},
	{"8-bit byte ends run", "+AKM\xe9", "£\uFFFD"},
	{"8-bit byte after plus", "+\xe9", "\uFFFD\uFFFD"},
	{"everything wrong at once", "+2D0Aox\xe9", "\uFFFD£\uFFFD\uFFFD"},
}

// decodeUTF7 decodes in three ways that must agree: in one call, read
// one byte at a time through charsetReader, and through Transform with
// just room for the largest step.
func decodeUTF7(t *testing.T, in string) string {
	t.Helper()
	whole, err := utf7.NewDecoder().String(in)
	if err != nil {
		t.Fatalf("decoding %q: %v", in, err)
	}
	r, err := charsetReader("UTF-7", iotest.OneByteReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	bytewise, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %q a byte at a time: %v", in, err)
	}
	if string(bytewise) != whole {
		t.Fatalf("decoding %q a byte at a time = %q, in one go %q", in, bytewise, whole)
	}
	if tight := transformTight(t, []byte(in)); tight != whole {
		t.Fatalf("decoding %q into a small dst = %q, in one go %q", in, tight, whole)
	}
	return whole
}

// transformTight drives the decoder with a dst of utf7MaxStep bytes, so
// that it runs out of room often, and fails if it ever cannot move on.
func transformTight(t *testing.T, src []byte) string {
	t.Helper()
	d := utf7.NewDecoder()
	dst := make([]byte, utf7MaxStep)
	var out []byte
	for {
		nDst, nSrc, err := d.Transform(dst, src, true)
		out = append(out, dst[:nDst]...)
		src = src[nSrc:]
		switch {
		case err == nil:
			return string(out)
		case err != transform.ErrShortDst:
			t.Fatalf("Transform: %v", err)
		case nDst == 0 && nSrc == 0:
			t.Fatalf("Transform: no progress with %d bytes of dst", len(dst))
		}
	}
}

func TestUTF7(t *testing.T) {
	for _, tt := range utf7Tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeUTF7(t, tt.in); got != tt.want {
				t.Errorf("%q decodes to %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUTF7Labels(t *testing.T) {
	for _, label := range []string{"UTF-7", "utf-7", "utf7", "csUTF7", "UNICODE-1-1-UTF-7", "csUnicode11UTF7"} {
		got, cs := toUTF8Text([]byte("+Jjo-"), label)
		if string(got) != "☺" || cs != "utf-8" {
			t.Errorf("toUTF8Text(%q, %q) = %q, %q; want %q, %q", "+Jjo-", label, got, cs, "☺", "utf-8")
		}
	}
}

func TestUTF7EncoderFails(t *testing.T) {
	if got, err := utf7.NewEncoder().String("☺"); !errors.Is(err, errUTF7Encode) {
		t.Errorf("encoding to UTF-7 = %q, %v; want error %v", got, err, errUTF7Encode)
	}
}

func TestDecodeUTF7Part(t *testing.T) {
	raw := strings.Join([]string{
		`Content-Type: multipart/mixed; boundary=b`,
		``,
		`--b`,
		`Content-Type: text/plain; charset=UTF-7`,
		``,
		`Hi Mom -+Jjo--!`,
		`--b`,
		`Content-Type: text/plain; charset="unicode-1-1-utf-7"`,
		`Content-Transfer-Encoding: base64`,
		``,
		base64.StdEncoding.EncodeToString([]byte("+ZeVnLIqe-")),
		`--b--`,
	}, "\r\n")
	h, body, err := Split([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, parts, err := Decode(h, body)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ typ, data string }{
		{"text/plain; charset=utf-8", "Hi Mom -☺-!"},
		{"text/plain; charset=utf-8", "日本語"},
	}
	if len(parts) != len(want) {
		t.Fatalf("%d parts, want %d", len(parts), len(want))
	}
	for i, p := range parts {
		if p.ContentType != want[i].typ || string(p.Data) != want[i].data {
			t.Errorf("part %d: %s %q, want %s %q", i+1, p.ContentType, p.Data, want[i].typ, want[i].data)
		}
	}
}

func TestTextUTF7(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"=?UTF-7?Q?Hi_Mom_-+Jjo--!?=", "Hi Mom -☺-!"},
		{"=?unicode-1-1-utf-7?B?K1plVm5MSXFlLQ==?=", "日本語"},
		{"=?utf-7?Q?+2D0-?= x", "\uFFFD x"},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// referenceUTF7 encodes s, valid UTF-8, as RFC 2152 does with the fewest
// direct characters (set D and white space), closing every run with '-'.
func referenceUTF7(s string) string {
	var b strings.Builder
	var run []byte
	flush := func() {
		if len(run) > 0 {
			b.WriteString("+" + base64.RawStdEncoding.EncodeToString(run) + "-")
			run = run[:0]
		}
	}
	for _, r := range s {
		switch {
		case r == '+':
			flush()
			b.WriteString("+-")
		case r < utf8.RuneSelf && strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'(),-./:? \t\r\n", r):
			flush()
			b.WriteRune(r)
		default:
			for _, u := range utf16.Encode([]rune{r}) {
				run = append(run, byte(u>>8), byte(u))
			}
		}
	}
	flush()
	return b.String()
}

// FuzzUTF7: any input decodes to valid UTF-8 without panicking, the same
// however it is fed, and text encoded to UTF-7 decodes back to itself.
func FuzzUTF7(f *testing.F) {
	for _, tt := range utf7Tests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte("Grüße 😀 + ☺ ~ \\"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got := decodeUTF7(t, string(in))
		if !utf8.ValidString(got) {
			t.Fatalf("%q decodes to invalid UTF-8 %q", in, got)
		}
		text := strings.ToValidUTF8(string(in), "\uFFFD")
		enc := referenceUTF7(text)
		if got := decodeUTF7(t, enc); got != text {
			t.Fatalf("%q encoded as %q decodes to %q", text, enc, got)
		}
	})
}
