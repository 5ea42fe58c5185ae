package mms

import "testing"

// textCases are outside text as an attacker or an honest right-to-left
// writer sends it: what CleanText stores and what EscapeText prints.
var textCases = []struct {
	name, in, clean, escaped string
}{
	{"plain ASCII", "News for today", "News for today", "News for today"},
	{"C1 CSI", "a\u009b2Jb", "a2Jb", `a\u009b2Jb`},
	{"C1 OSC title", "\u009d0;pwned\u009cHi", "0;pwnedHi", `\u009d0;pwned\u009cHi`},
	{"ESC ] 0 ; title BEL", "\x1b]0;pwned\x07Hi", " ]0;pwned Hi", `\u001b]0;pwned\u0007Hi`},
	{"CR LF TAB DEL", "a\r\nb\tc\x7fd", "a  b c d", `a\u000d\u000ab\u0009c\u007fd`},
	{"RLO", "invoice\u202eexe.pdf", "invoiceexe.pdf", `invoice\u202eexe.pdf`},
	{"every embedding and override", "\u202a\u202b\u202c\u202d\u202ex", "x", `\u202a\u202b\u202c\u202d\u202ex`},
	{"isolates", "\u2066a\u2067b\u2068c\u2069", "abc", `\u2066a\u2067b\u2068c\u2069`},
	{"Arabic with RLM and ALM kept", "مرحبا\u200f 123\u061c", "مرحبا\u200f 123\u061c", "مرحبا\u200f 123\u061c"},
	{"LRM kept", "a\u200eb", "a\u200eb", "a\u200eb"},
	{"U+FFFD as sent kept", "a\ufffdb", "a\ufffdb", "a\ufffdb"},
	{"invalid UTF-8", "a\x9bb\xffc", "a\ufffdb\ufffdc", `a\x9bb\xffc`},
	{"neighbours of the range kept", "\u00a0\u2029\u202f\u2065\u206a", "\u00a0\u2029\u202f\u2065\u206a", "\u00a0\u2029\u202f\u2065\u206a"},
	{"backslash left for JSON", `{"s":"a\"b\u001b"}`, `{"s":"a\"b\u001b"}`, `{"s":"a\"b\u001b"}`},
	{"empty", "", "", ""},
}

func TestCleanText(t *testing.T) {
	for _, tt := range textCases {
		if got := CleanText(tt.in); got != tt.clean {
			t.Errorf("%s: CleanText(%q) = %q, want %q", tt.name, tt.in, got, tt.clean)
		}
		if got := CleanText(tt.clean); got != tt.clean {
			t.Errorf("%s: CleanText of its own result %q changed it to %q", tt.name, tt.clean, got)
		}
	}
}

func TestEscapeText(t *testing.T) {
	for _, tt := range textCases {
		if got := EscapeText(tt.in); got != tt.escaped {
			t.Errorf("%s: EscapeText(%q) = %q, want %q", tt.name, tt.in, got, tt.escaped)
		}
		// Rows stored after CleanText print as they are.
		if got := EscapeText(tt.clean); got != tt.clean {
			t.Errorf("%s: EscapeText(CleanText(%q)) = %q; a clean text must print as it is", tt.name, tt.in, got)
		}
	}
}

// TestTextCleanIsFree: almost every value is clean, and checking it must
// cost the accept path and the printers nothing.
func TestTextCleanIsFree(t *testing.T) {
	for _, s := range []string{"News for today", "+447779998888/TYPE=PLMN@mms.example.net", "مرحبا\u200f", ""} {
		if n := testing.AllocsPerRun(100, func() { _ = CleanText(s) }); n != 0 {
			t.Errorf("CleanText(%q): %v allocations, want none", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = EscapeText(s) }); n != 0 {
			t.Errorf("EscapeText(%q): %v allocations, want none", s, n)
		}
	}
}

// FuzzText: whatever comes in, neither the stored nor the printed form
// holds a character that acts, and a clean text is left alone by both.
func FuzzText(f *testing.F) {
	for _, tt := range textCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, e := CleanText(s), EscapeText(s)
		if i := firstUnsafe(c); i >= 0 {
			t.Errorf("CleanText(%q) = %q keeps an unsafe character at %d", s, c, i)
		}
		if i := firstUnsafe(e); i >= 0 {
			t.Errorf("EscapeText(%q) = %q keeps an unsafe character at %d", s, e, i)
		}
		if CleanText(c) != c || EscapeText(c) != c {
			t.Errorf("CleanText(%q) = %q is changed again by CleanText or EscapeText", s, c)
		}
		if (c == s) != (e == s) {
			t.Errorf("%q: CleanText changes it: %v, EscapeText changes it: %v; they must judge alike", s, c != s, e != s)
		}
	})
}
