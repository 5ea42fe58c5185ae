package mimebody

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// referenceBase64 is decodeBase64 as it was before it learnt to decode
// straight from the raw body: drop the white space, then decode the padded
// runs (appendBase64Runs, unchanged, is that second step). The new one must
// agree with it on every input, errors included.
func referenceBase64(raw []byte) ([]byte, error) {
	src := referenceStrip(raw)
	return appendBase64Runs(make([]byte, 0, base64.StdEncoding.DecodedLen(len(src))), src)
}

// referenceStrip drops spaces, tabs, CRs and LFs byte by byte.
func referenceStrip(raw []byte) []byte {
	out := []byte{}
	for _, c := range raw {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return out
}

// sameAsReference fails t unless decodeBase64 and referenceBase64 agree on
// raw: the same bytes, or the same error text.
func sameAsReference(t *testing.T, raw []byte) {
	t.Helper()
	got, err := decodeBase64(raw)
	want, wantErr := referenceBase64(raw)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("decodeBase64(%q): error %v, want %v", raw, err, wantErr)
	}
	if err != nil {
		if !errors.Is(err, errBase64) {
			t.Fatalf("decodeBase64(%q): %v is not errBase64", raw, err)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decodeBase64(%q) = %q, want %q", raw, got, want)
	}
	if got == nil {
		t.Fatalf("decodeBase64(%q) = nil, want non-nil", raw)
	}
}

// noise returns n reproducible pseudo-random bytes: binary content, of
// which base64 must carry every byte value alike.
func noise(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// wrapBase64 encodes data and breaks it into lines of width characters
// (0: one line), ending lines with eol.
func wrapBase64(data []byte, enc *base64.Encoding, width int, eol string) []byte {
	s := enc.EncodeToString(data)
	if width <= 0 {
		return []byte(s)
	}
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + eol)
		s = s[width:]
	}
	b.WriteString(s)
	return []byte(b.String())
}

// base64Oddities are bodies at the edges of what decodeBase64 accepts.
var base64Oddities = []string{
	"",
	"\r\n",
	"\n\n\n",
	" \t \r\n",
	"QQ==",
	"QQ==\r\n",
	"QUJD",
	"QUJDRA==",
	"QUJDRA",                   // padding missing at the end
	"QUJDRA=",                  // half the padding
	"QUJDR",                    // one character over a quantum
	"QUJDRA==\r\nRUY=\r\n",     // a padded run per line
	"QUJDRA==RUY=",             // runs back to back on one line
	"QUJDRA==\r\nRUY",          // the last run unpadded
	"QUI=\r\n=QUJD\r\n",        // '=' starting a line
	"QUI=\r\n\r\n=\r\n",        // a lone '=' line after a padded run
	"QU=JD",                    // '=' in the middle
	"QUJDR==",                  // stops mid-quantum before padding
	"====",                     // padding alone
	"=",                        // padding alone, short
	"QUJD\r\n====\r\n",         // padding line after whole quanta
	"QUJD RA==",                // space inside a line
	"QUJD\tRA==",               // tab inside a line
	"QUJD \r\nRA==\r\n",        // trailing space
	" QUJD\r\n",                // leading space
	"QU\rJD",                   // CR inside a line
	"QUJD\r\r\nRA==",           // CR CR LF
	"QUJD\rRA==",               // CR alone as a line break
	"QUJ\nDRA==",               // lines that split quanta
	"Q\nU\nJ\nD\n",             // one character per line
	"QUJD\nRA=\n=",             // padding split over lines
	"R0lG!DlhAQAB",             // garbage
	"R0lGODlh\r\nAQAB!",        // garbage on a later line
	"R0lGODlh\r\nAQ-_",         // URL alphabet
	"R0lGODlh\r\nAQAB\x00",     // NUL
	"R0lGODlh\r\nAQ\xffB",      // 8-bit
	"QUJDRA==\r\nQUJD!",        // garbage after a padded run
	"QUJDRA==\r\n\r\n",         // blank lines at the end
	"QUJDRQ==\r\nQUJDR\r\n==",  // padding on its own line
	"QUJDRA==QUJDRA==QUJDRA==", // several runs, no breaks
	"QUJDRA==\r\n \r\nQUJD",    // a line of white space between runs
}

func TestDecodeBase64MatchesReference(t *testing.T) {
	for _, s := range base64Oddities {
		sameAsReference(t, []byte(s))
	}
	data := noise(1000, 7)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		for _, width := range []int{0, 1, 3, 4, 57, 64, 75, 76, 77, 200} {
			for _, eol := range []string{"\r\n", "\n", " \r\n", "\r\r\n", "\t\n"} {
				for _, n := range []int{0, 1, 2, 3, 56, 57, 58, 1000} {
					raw := wrapBase64(data[:n], enc, width, eol)
					sameAsReference(t, raw)
					if got, err := decodeBase64(raw); err != nil || !bytes.Equal(got, data[:n]) {
						t.Fatalf("decodeBase64(%q) = %q, %v; want %q", raw, got, err, data[:n])
					}
				}
			}
		}
	}
}

// FuzzDecodeBase64: decodeBase64 agrees with referenceBase64 on raw, and
// on raw base64-encoded (padded or not) and wrapped at width.
func FuzzDecodeBase64(f *testing.F) {
	for _, s := range base64Oddities {
		f.Add([]byte(s), uint8(76), false, false)
	}
	f.Add(noise(300, 1), uint8(76), true, false)
	f.Add(noise(300, 2), uint8(75), false, true)
	f.Add(noise(10, 3), uint8(0), true, true)
	f.Fuzz(func(t *testing.T, raw []byte, width uint8, lf, unpadded bool) {
		sameAsReference(t, raw)
		enc, eol := base64.StdEncoding, "\r\n"
		if unpadded {
			enc = base64.RawStdEncoding
		}
		if lf {
			eol = "\n"
		}
		wrapped := wrapBase64(raw, enc, int(width), eol)
		sameAsReference(t, wrapped)
		if got, err := decodeBase64(wrapped); err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("decodeBase64(%q) = %q, %v; want %q", wrapped, got, err, raw)
		}
	})
}
