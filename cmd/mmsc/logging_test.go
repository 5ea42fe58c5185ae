package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"unicode/utf8"
)

// nilStringer panics in String through its nil receiver.
type nilStringer struct{ s string }

func (n *nilStringer) String() string { return n.s }

// TestLogValuesAreCut: a refused request's megabyte path, an error quoting
// a megabyte and a megabyte message each make a line of about a kilobyte
// that says how long the value was (the "Under attack" finding).
func TestLogValuesAreCut(t *testing.T) {
	big := strings.Repeat("/a", 1<<19) // 1 MiB
	for _, tt := range []struct {
		name string
		log  func(*bytes.Buffer)
		key  string
	}{
		{"string", func(b *bytes.Buffer) { newLogger(b).Info("mm1: request refused", "path", big) }, "path"},
		{"error", func(b *bytes.Buffer) { newLogger(b).Warn("submit failed", "err", errors.New(big)) }, "err"},
		{"message", func(b *bytes.Buffer) { newLogger(b).Warn(big) }, "msg"},
		{"grouped", func(b *bytes.Buffer) { newLogger(b).WithGroup("req").Info("x", "path", big) }, "req"},
		// The kilobyte ends inside an é: the cut goes before it.
		{"multibyte", func(b *bytes.Buffer) { newLogger(b).Info("x", "path", "a"+strings.Repeat("é", 1<<19)) }, "path"},
	} {
		var b bytes.Buffer
		tt.log(&b)
		if b.Len() > 2048 {
			t.Errorf("%s: a %d-byte line, want under 2 KB", tt.name, b.Len())
		}
		var rec map[string]any
		if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
			t.Fatalf("%s: not a JSON line: %v", tt.name, err)
		}
		v := rec[tt.key]
		if g, ok := v.(map[string]any); ok {
			v = g["path"]
		}
		s, _ := v.(string)
		wantLen := "1048576"
		if tt.name == "multibyte" {
			wantLen = "1048577"
		}
		if !strings.HasSuffix(s, "…("+wantLen+" bytes)") || len(s) < 1000 || strings.ContainsRune(s, utf8.RuneError) {
			t.Errorf("%s: %s = %.40q…%q, want the first kilobyte and the length", tt.name, tt.key, s, s[max(0, len(s)-30):])
		}
	}
}

// TestLogValuesAreEscaped: what a peer wrote reaches the log without a raw
// character that acts on a terminal, wherever it is (a string, an error, a
// list, the message, a key), and reads back as sent; short values of other
// kinds keep their form, and a Stringer that panics does not bring the
// server down.
func TestLogValuesAreEscaped(t *testing.T) {
	const evil = "\u009d0;owned\u009c\u202efdp.exe\u2067\x7f"
	var b bytes.Buffer
	log := newLogger(&b)
	log.Info("login failed "+evil, "account", evil, "err", errors.New(evil), "to", []string{evil}, evil, 1)
	line := b.String()
	if i := strings.IndexFunc(line, acts); i >= 0 {
		t.Errorf("log line holds %U raw:\n%q", []rune(line[i:])[0], line)
	}
	var rec map[string]any
	if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
		t.Fatalf("not a JSON line: %v\n%s", err, line)
	}
	if rec["msg"] != "login failed "+evil || rec["account"] != evil || rec["err"] != evil || rec[evil] != 1.0 {
		t.Errorf("escaped values do not read back as sent: %q", rec)
	}
	if to, _ := rec["to"].([]any); len(to) != 1 || to[0] != evil {
		t.Errorf("to = %q, want [%q]", rec["to"], evil)
	}

	b.Reset()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 25}
	log.Info("plain", "remote", addr, "n", 3, "stringer", (*nilStringer)(nil))
	want := `"msg":"plain","remote":{"IP":"127.0.0.1","Port":25,"Zone":""},"n":3,"stringer":null}` + "\n"
	if !strings.HasSuffix(b.String(), want) {
		t.Errorf("log line %q, want it to end %q", b.String(), want)
	}
}

// acts reports whether r acts on a terminal or on the order of the text
// around it: the set mms.CleanText removes, written out again here so that
// the test does not take the code's word for it; a line end is the
// printer's own. U+FFFD stands for a byte that is not UTF-8, as
// strings.IndexFunc reads it.
func acts(r rune) bool {
	return r < ' ' && r != '\n' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == '\uFFFD'
}

// [log] format = "text" writes key=value pairs, cut and escaped like JSON.
func TestLogText(t *testing.T) {
	var b bytes.Buffer
	newLoggerAs(&b, logText).Info("mm1: retrieved", "message", "m1", "path", strings.Repeat("x", 1<<20), "subject", "a\u202eb\u009bc")
	line := b.String()
	for _, want := range []string{`msg="mm1: retrieved"`, "message=m1", "level=INFO", "(1048576 bytes)"} {
		if !strings.Contains(line, want) {
			t.Errorf("text line lacks %q: %.200s", want, line)
		}
	}
	if len(line) > 2048 || strings.ContainsAny(line, "\u202e\u009b") {
		t.Errorf("text line of %d bytes, raw controls %v", len(line), strings.ContainsAny(line, "\u202e\u009b"))
	}
}
