package smtpd

import (
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

func TestLineLimit(t *testing.T) {
	line := func(n int) string { return strings.Repeat("A", n) }
	tests := []struct {
		name  string
		reads []string // what the socket returns, read by read
		ok    bool
	}{
		{"lines within the limit", []string{"EHLO x\r\n" + line(8) + "\r\n"}, true},
		{"a line of exactly the limit", []string{line(10) + "\n" + line(10) + "\n"}, true},
		{"a line one past the limit", []string{line(11) + "\n"}, false},
		{"the limit without a line end yet", []string{line(10)}, true},
		{"one past the limit without a line end", []string{line(11)}, false},
		{"a line split across reads", []string{line(6), line(4) + "\n", line(10)}, true},
		{"a line too long only across reads", []string{line(6), line(5) + "\n"}, false},
		{"a long line after short ones in one read", []string{"a\nb\n" + line(11) + "\n"}, false},
		{"a line end at the start of a read", []string{line(10), "\n" + line(10)}, true},
		{"empty reads", []string{"", line(10), "", "\n"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &lineLimit{max: 10}
			var err error
			for _, r := range tc.reads {
				if err = l.check([]byte(r)); err != nil {
					break
				}
			}
			if tc.ok != (err == nil) {
				t.Fatalf("check: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, smtp.ErrTooLongLine) {
				t.Fatalf("check: %v, want go-smtp's ErrTooLongLine", err)
			}
			// Sticky: the stream is out of step after a refusal.
			if err != nil && l.check([]byte("\n")) == nil {
				t.Fatal("a short read after the refusal passed")
			}
		})
	}
}

// FuzzLineLimit checks the line-at-a-time check against go-smtp's rule, a
// byte at a time: no run of more than max bytes without a LF.
func FuzzLineLimit(f *testing.F) {
	f.Add([]byte("abc\ndefghij\nk"), uint8(3), uint8(5))
	f.Add([]byte("\n\n\n"), uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, split, max uint8) {
		l := &lineLimit{max: int(max)}
		cut := int(split) % (len(data) + 1)
		err := l.check(data[:cut])
		if err == nil {
			err = l.check(data[cut:])
		}
		run, tooLong := 0, false
		for _, c := range data {
			if c == '\n' {
				run = 0
				continue
			}
			if run++; run > int(max) {
				tooLong = true
				break
			}
		}
		if tooLong != (err != nil) {
			t.Fatalf("check(%q) at max %d: %v, want too long = %v", data, max, err, tooLong)
		}
	})
}
