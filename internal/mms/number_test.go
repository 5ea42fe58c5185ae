package mms

import "testing"

// The cases of both callers: MM1's MSISDN check (WholeNumber, which must
// refuse another subscriber) and peers' reports (NumberTail, which must
// find a forwarded recipient in whatever form the peer wrote it).
func TestSameNumber(t *testing.T) {
	tests := []struct {
		a, b        string
		whole, tail bool
	}{
		// Gateways' MSISDN headers.
		{"447700900456", "+447700900456", true, true},
		{"00447700900456", "+447700900456", true, true},
		{" +447700900456 ", "+447700900456", true, true},
		{"+44 7700 900456", "+447700900456", true, true},
		{"+447700900789", "+447700900456", false, false}, // another subscriber
		{"447778880000", "+447778889999", false, false},
		{"4477009004561", "+447700900456", false, false},
		{"", "+447700900456", false, false},
		{"+", "+", false, false},
		{"00", "+00", false, false},
		{"abc", "abc", false, false},
		// Peers' reports.
		{"+48600100200", "48600100200/TYPE=PLMN@mms.peer.example", true, true},
		{"+48600100200", "0048600100200", true, true},
		{"+48600100200", "600100200", false, true}, // national form at the peer
		{"+48600100200", "600100200/TYPE=PLMN@mms.peer.example", false, true},
		{"+48600100200", "+48600100201", false, false},
		{"+48600100200", "200", false, false}, // too short to say
		{"+48600100200", "0100200", false, true},
		{"+48600100200", "100200", false, false},
		{"+48600100200", "", false, false},
		// Short codes: only whole.
		{"0012345", "12345", true, true},
		{"12345", "912345", false, false},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			m    NumberMatch
			want bool
		}{{WholeNumber, tt.whole}, {NumberTail, tt.tail}} {
			if got := SameNumber(tt.a, tt.b, c.m); got != c.want {
				t.Errorf("SameNumber(%q, %q, %v) = %v, want %v", tt.a, tt.b, c.m, got, c.want)
			}
			if got := SameNumber(tt.b, tt.a, c.m); got != c.want {
				t.Errorf("SameNumber(%q, %q, %v) = %v, want %v", tt.b, tt.a, c.m, got, c.want)
			}
		}
	}
}
