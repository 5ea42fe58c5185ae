package smtpd

import (
	"bytes"
	"testing"
)

// unstuffLines is RFC 5321 §4.5.2 said plainly, a line at a time, for
// dotReader to agree with: the message up to the line that is only a dot,
// each line's leading dot removed; ok false when no such line ends it.
func unstuffLines(in []byte) (msg []byte, rest []byte, ok bool) {
	for len(in) > 0 {
		i := bytes.Index(in, []byte("\r\n"))
		if i < 0 {
			return nil, nil, false
		}
		line := in[:i+2]
		in = in[i+2:]
		if string(line) == ".\r\n" {
			return msg, in, true
		}
		msg = append(msg, bytes.TrimPrefix(line, []byte("."))...)
	}
	return nil, nil, false
}

// feedIn gives d the input in pieces cut at cuts, as socket reads would
// bring it, keeping the undecided tail for the next piece.
func feedIn(in []byte, cuts []int) (msg, rest []byte, ok bool) {
	d := dotReader{lineStart: true}
	var held []byte
	from := 0
	for _, cut := range append(cuts, len(in)) {
		if cut < from || cut > len(in) {
			continue
		}
		held = append(held, in[from:cut]...)
		from = cut
		var used int
		var end bool
		msg, used, end = d.feed(msg, held)
		if end {
			return msg, append(held[used:], in[from:]...), true
		}
		held = append(held[:0], held[used:]...)
	}
	return nil, nil, false
}

func TestDotReader(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg, rest string
	}{
		{"empty message", ".\r\n", "", ""},
		{"one line", "hello\r\n.\r\n", "hello\r\n", ""},
		{"stuffed dots", "..a\r\n...\r\n.b\r\n.\r\nNOOP\r\n", ".a\r\n..\r\nb\r\n", "NOOP\r\n"},
		{"a dot inside a line stays", "a.b\r\n a .\r\n.\r\n", "a.b\r\n a .\r\n", ""},
		{"a bare LF does not start a line", "a\n.\r\n.\r\n", "a\n.\r\n", ""},
		{"a CR alone stays", "a\rb\r\n.\r\n", "a\rb\r\n", ""},
		{"the end is the first dot line", "x\r\n.\r\n.\r\n", "x\r\n", ".\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			for cut := range len(in) + 1 { // every cut in two, and a byte at a time
				for _, cuts := range [][]int{{cut}, bytesAt(len(in))} {
					msg, rest, ok := feedIn(in, cuts)
					if !ok || string(msg) != tc.msg || string(rest) != tc.rest {
						t.Fatalf("cut at %v: message %q rest %q (end %v), want %q, %q", cuts, msg, rest, ok, tc.msg, tc.rest)
					}
				}
			}
		})
	}
}

func bytesAt(n int) []int {
	cuts := make([]int, n)
	for i := range cuts {
		cuts[i] = i
	}
	return cuts
}

// FuzzDotReader: for any input cut anywhere, dotReader finds the end where
// the line-at-a-time reading does, with the same message and the same
// bytes after it, and never panics.
func FuzzDotReader(f *testing.F) {
	f.Add([]byte("..a\r\n.\r\nQUIT\r\n"), 3, 7)
	f.Add([]byte(".\r\n"), 1, 2)
	f.Add([]byte("a\r\n.\r"), 0, 4)
	f.Fuzz(func(t *testing.T, in []byte, c1, c2 int) {
		wantMsg, wantRest, wantOK := unstuffLines(in)
		msg, rest, ok := feedIn(in, []int{c1, c2})
		if ok != wantOK || (ok && (!bytes.Equal(msg, wantMsg) || !bytes.Equal(rest, wantRest))) {
			t.Fatalf("cuts %d, %d: message %q rest %q (end %v); line at a time: %q, %q (%v)",
				c1, c2, msg, rest, ok, wantMsg, wantRest, wantOK)
		}
	})
}

func TestEndsWithData(t *testing.T) {
	for _, tc := range []struct {
		read string
		want bool
	}{
		{"DATA\r\n", true},
		{"data\r\n", true},
		{"DATA  \r\n", true},
		{"MAIL FROM:<a>\r\nRCPT TO:<b>\r\nDATA\r\n", true},
		{"DATA\r\nx\r\nDATA\r\n", false}, // the first DATA's message is in go-smtp's buffer
		{"DATA\r\nRSET\r\n", false},
		{"TA\r\n", false}, // the line's start came in an earlier read
		{"DATA", false},
		{"DATAX\r\n", false},
		{"NOOP\r\n", false},
	} {
		if got := endsWithData([]byte(tc.read)); got != tc.want {
			t.Errorf("endsWithData(%q) = %v, want %v", tc.read, got, tc.want)
		}
	}
}
