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
