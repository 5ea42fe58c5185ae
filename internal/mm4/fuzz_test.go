package mm4

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// FuzzParse: no input makes Parse panic (not even one it recovers from),
// a success is fully usable, and a failure is a permanent one-line error.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(nested(3))
	f.Add(crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Transfer-Encoding: base64", "", "QQ==", "--b"))
	f.Add(crlf("Content-Type: application/vnd.wap.multipart.mixed; boundary=\"x y\"", "", "--x y", "", "a", "--x y--"))

	f.Fuzz(func(t *testing.T, input []byte) {
		raw := bytes.Clone(input) // Parse's input is flipped below; the fuzzer's must not be
		m, err := Parse(raw, now)
		if err != nil {
			var p recoveredPanic
			if errors.As(err, &p) {
				t.Fatalf("Parse panicked: %v", p.value)
			}
			checkReplyable(t, err)
			return
		}
		if m.MessageType != "MM4_forward.REQ" {
			t.Errorf("MessageType %q", m.MessageType)
		}
		if len(m.Raw) != len(raw) || (len(raw) > 0 && &m.Raw[0] != &raw[0]) {
			t.Error("Raw is not the input")
		}
		if len(m.Parts) == 0 || len(m.Parts) > mimebody.MaxParts {
			t.Errorf("%d parts", len(m.Parts))
		}
		if m.ContentType == "" {
			t.Error("empty ContentType")
		}
		if !utf8.ValidString(m.Subject) {
			t.Errorf("Subject %q is not UTF-8", m.Subject)
		}
		for _, a := range append(append([]string{}, m.To...), m.Cc...) {
			if a == "" {
				t.Error("empty address in To/Cc")
			}
		}
		snapshot := make([][]byte, len(m.Parts))
		for i, p := range m.Parts {
			snapshot[i] = bytes.Clone(p.Data)
			if p.Data == nil {
				t.Errorf("part %d: nil Data", i+1)
			}
			if p.ContentType == "" {
				t.Errorf("part %d: empty ContentType", i+1)
			}
			for _, s := range []string{p.ContentType, p.Name, p.ContentLocation, p.ContentID} {
				if bytes.ContainsAny([]byte(s), "\r\n") {
					t.Errorf("part %d: line break in %q", i+1, s)
				}
			}
		}
		// Parts must not alias the input: flip every input byte and see.
		for i := range raw {
			raw[i] ^= 0xff
		}
		for i, p := range m.Parts {
			if !bytes.Equal(p.Data, snapshot[i]) {
				t.Errorf("part %d: Data aliases the input", i+1)
			}
		}
	})
}

// FuzzBuildRoundTrip: whatever text, subject and file bytes Build is given,
// Parse returns them.
func FuzzBuildRoundTrip(f *testing.F) {
	f.Add("Grüße 😀", "Hello\nworld", "a.gif", gif1x1)
	f.Add("", "x", "", []byte{})
	f.Add("=?utf-8?q?x?=", "--mm4-", "notes.txt", []byte("a\r\nb"))
	f.Fuzz(func(t *testing.T, subject, text, name string, data []byte) {
		r := ForwardRequest{
			From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN"},
			Subject: subject, Text: text, Files: []File{{Name: name, Data: data}},
		}
		raw, err := Build(r)
		if err != nil {
			t.Skip() // invalid input, refused: fine
		}
		m, err := Parse(raw, now)
		if err != nil {
			t.Fatalf("Parse(Build()): %v", err)
		}
		// Folding white space is not significant in a header, and an ASCII
		// subject that looks like an encoded word is decoded on the way
		// back; anything else must survive.
		if fields(m.Subject) != fields(subject) && !strings.Contains(subject, "=?") {
			t.Errorf("subject %q came back as %q", subject, m.Subject)
		}
		if text != "" {
			if got := m.Parts[len(m.Parts)-2].Data; string(got) != crlfLines(text) {
				t.Errorf("text %q came back as %q", text, got)
			}
		}
		last := m.Parts[len(m.Parts)-1]
		want := data
		if typ := guessType(name); strings.HasPrefix(typ, "text/") && !utf8.Valid(data) {
			return // Parse may convert unlabelled 8-bit text; covered elsewhere
		}
		if !bytes.Equal(last.Data, want) {
			t.Errorf("file data changed: %q -> %q", data, last.Data)
		}
	})
}

func fields(s string) string { return strings.Join(strings.Fields(s), " ") }
