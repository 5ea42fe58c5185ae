package smtpd

import (
	"bytes"
	"strings"
	"testing"
)

// startTLSEnds is what startTLSLine finds in the reads: the stream offset
// after each STARTTLS line, and whether it was odd.
func startTLSEnds(reads ...[]byte) (ends []int, odd []bool) {
	var s startTLSLine
	off := 0
	for _, r := range reads {
		for len(r) > 0 {
			n, found, o := s.scan(r)
			off += n
			r = r[n:]
			if found {
				ends, odd = append(ends, off), append(odd, o)
			}
		}
	}
	return ends, odd
}

// goSMTPStartTLSEnds is the same by go-smtp's own rule, a line at a time:
// a line whose upper case starts with STARTTLS is that command; it is
// bare when nothing but blanks follows the ASCII verb.
func goSMTPStartTLSEnds(data []byte) (ends []int, odd []bool) {
	off := 0
	for {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return ends, odd
		}
		line := string(data[off : off+i])
		off += i + 1
		if strings.HasPrefix(strings.ToUpper(line), "STARTTLS") {
			bare := strings.EqualFold(line[:min(8, len(line))], "STARTTLS") && strings.Trim(line[8:], " \t\r") == ""
			ends, odd = append(ends, off), append(odd, !bare)
		}
	}
}

func TestStartTLSLine(t *testing.T) {
	tests := []struct {
		name  string
		reads []string
		ends  []int
		odd   []bool
	}{
		{"none", []string{"EHLO x\r\nMAIL FROM:<a@b>\r\n"}, nil, nil},
		{"the command", []string{"STARTTLS\r\n"}, []int{10}, []bool{false}},
		{"with what came after it", []string{"STARTTLS\r\nRSET\r\n"}, []int{10}, []bool{false}},
		{"after other commands", []string{"EHLO x\r\nstarttls\n"}, []int{17}, []bool{false}},
		{"split across reads", []string{"EHLO x\r\nSTAR", "TtLs", "\r", "\nNOOP\r\n"}, []int{18}, []bool{false}},
		{"trailing blanks", []string{"STARTTLS \t\r\n"}, []int{12}, []bool{false}},
		{"an argument", []string{"STARTTLS now\r\n"}, []int{14}, []bool{true}},
		{"run on", []string{"STARTTLSX\r\n"}, []int{11}, []bool{true}},
		{"spelt with ſ, as go-smtp's ToUpper reads it", []string{"ſTARTTLS\r\n"}, []int{11}, []bool{true}},
		{"ſ split across reads", []string{"\xc5", "\xbftarttls\n"}, []int{10}, []bool{true}},
		{"not a line start", []string{"NOOP STARTTLS\r\n"}, nil, nil},
		{"a line end inside the verb", []string{"STAR\nTTLS\n"}, nil, nil},
		{"no line end yet", []string{"STARTTLS"}, nil, nil},
		{"two", []string{"STARTTLS\r\nSTARTTLS\r\n"}, []int{10, 20}, []bool{false, false}},
		{"a long line then the command", []string{strings.Repeat("S", 100) + "\nSTARTTLS\n"}, []int{110}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reads [][]byte
			for _, r := range tt.reads {
				reads = append(reads, []byte(r))
			}
			ends, odd := startTLSEnds(reads...)
			if !equal(ends, tt.ends) || !equal(odd, tt.odd) {
				t.Errorf("ends %v odd %v, want %v %v", ends, odd, tt.ends, tt.odd)
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzStartTLSLine checks the scan, over any split of the reads, against
// go-smtp's rule applied to whole lines.
func FuzzStartTLSLine(f *testing.F) {
	f.Add([]byte("EHLO x\r\nSTARTTLS\r\nRSET\r\n"), uint8(11))
	f.Add([]byte("ſTARTTLS x\nstarttls\n"), uint8(1))
	f.Add([]byte("STARTTLS\xc5\xbf\nıSTARTTLS\n\xc5STARTTLS\n"), uint8(9))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		cut := int(split) % (len(data) + 1)
		ends, odd := startTLSEnds(data[:cut], data[cut:])
		wantEnds, wantOdd := goSMTPStartTLSEnds(data)
		if !equal(ends, wantEnds) || !equal(odd, wantOdd) {
			t.Fatalf("%q split at %d: ends %v odd %v, want %v %v", data, cut, ends, odd, wantEnds, wantOdd)
		}
	})
}
