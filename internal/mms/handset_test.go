package mms

import "testing"

func TestHandsetAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+447700900123/TYPE=PLMN@mms.example.net", "+447700900123/TYPE=PLMN"},
		{"+447700900123@mms.example.net", "+447700900123/TYPE=PLMN"},
		{"Ann <+447700900123/TYPE=PLMN@mms.example.net>", "+447700900123/TYPE=PLMN"},
		{"<447700900123/type=plmn@MMS.example.net>", "447700900123/TYPE=PLMN"},
		{"+447700900123/TYPE=PLMN", "+447700900123/TYPE=PLMN"},
		{"+447700900123", "+447700900123/TYPE=PLMN"},
		{"ann@example.com", "ann@example.com"},
		{"Ann Example <ann@example.com>", "ann@example.com"},
		{" odd header ", "odd header"},
	}
	for _, tt := range tests {
		if got := HandsetAddress(tt.in); got != tt.want {
			t.Errorf("HandsetAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Final and the store's leasable states must agree: a state with work left
// is not final.
func TestFinal(t *testing.T) {
	for s, final := range map[State]bool{
		StateQueued: false, StateNotified: false, StateDeferred: false, StateSent: false,
		StateRetrieved: true, StateRejected: true, StateExpired: true, StateFailed: true, StateForwarded: true, StateCancelled: true,
	} {
		if s.Final() != final {
			t.Errorf("%s.Final() = %v, want %v", s, s.Final(), final)
		}
	}
}
