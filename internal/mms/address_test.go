package mms

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in      string
		want    Address
		wantErr error
	}{
		// NowSMS: phonenumber@domain and phonenumber/TYPE=PLMN@domain.
		{"+447778889999@mms.example.net", Address{Number: "+447778889999", Domain: "mms.example.net"}, nil},
		{"+447778889999/TYPE=PLMN@mms.example.net", Address{Number: "+447778889999", Typed: true, Domain: "mms.example.net"}, nil},
		{"<+447778889999/TYPE=PLMN@mms.example.net>", Address{Number: "+447778889999", Typed: true, Domain: "mms.example.net"}, nil},
		// Type names and domains compare without case (TS 23.140; DNS).
		{"+447778889999/type=plmn@MMS.Example.NET", Address{Number: "+447778889999", Typed: true, Domain: "mms.example.net"}, nil},
		// US aggregators send numbers without "+".
		{"15551234567@mms.example.net", Address{Number: "15551234567", Domain: "mms.example.net"}, nil},
		// 3 to 20 digits.
		{"123@d", Address{Number: "123", Domain: "d"}, nil},
		{"+12345678901234567890@d", Address{Number: "+12345678901234567890", Domain: "d"}, nil},
		{"12@d", Address{}, ErrBadNumber},
		{"+123456789012345678901@d", Address{}, ErrBadNumber},
		{"+44 7778@d", Address{}, ErrBadNumber},
		{"+44-7778889999@d", Address{}, ErrBadNumber},
		{"++447778889999@d", Address{}, ErrBadNumber},
		{"alice@d", Address{}, ErrBadNumber},
		{"+447778889999/TYPE=IPv4@d", Address{}, ErrBadNumber},
		{"+447778889999/@d", Address{}, ErrBadNumber},
		{"+447778889999", Address{}, ErrNoDomain},
		{"+447778889999/TYPE=PLMN", Address{}, ErrNoDomain},
		{"+447778889999@", Address{}, ErrNoDomain},
		{"", Address{}, ErrNoDomain},
	}
	for _, tt := range tests {
		got, err := ParseAddress(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"+447778889999/TYPE=PLMN@mms.example.net", "<123@d>", "@", "/TYPE=@", "+@x", "a/b/c@d@e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if a != (Address{}) {
				t.Fatalf("error with a non-zero address %+v", a)
			}
			if !errors.Is(err, ErrBadNumber) && !errors.Is(err, ErrNoDomain) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if !IsPhoneNumber(a.Number) || a.Domain == "" || a.Domain != strings.ToLower(a.Domain) {
			t.Fatalf("accepted %q as %+v", s, a)
		}
		// The canonical form parses back to the same address.
		b, err := ParseAddress(a.String())
		if err != nil || b.Number != a.Number || b.Domain != a.Domain {
			t.Fatalf("%q -> %q -> %+v, %v", s, a.String(), b, err)
		}
	})
}

func TestMasks(t *testing.T) {
	tests := []struct {
		masks, s string
		want     bool
	}{
		{"+44*", "+447778889999", true},
		{"+44*,+234*", "+2348031234567", true},
		{"+44*,+234*", "+15551234567", false},
		{"+4477*", "+447778889999", true},
		{"+4478*", "+447778889999", false},
		{"*", "anything", true},
		{"", "+44", false},
		{"+44*9", "+447778889999", true},
		{"+44*8", "+447778889999", false},
		{"*@MMS.example.net", "+447779998888/TYPE=PLMN@mms.example.net", true},
		{" +44* , +33* ", "+33612345678", true},
	}
	for _, tt := range tests {
		if got := ParseMasks(tt.masks).Match(tt.s); got != tt.want {
			t.Errorf("masks %q match %q = %v, want %v", tt.masks, tt.s, got, tt.want)
		}
	}
}

func TestNewMessageIDSortsByTime(t *testing.T) {
	a := NewMessageID(testTime(1))
	b := NewMessageID(testTime(2))
	if len(a) != 26 || !(a < b) {
		t.Errorf("ids %s, %s: want 26 characters sorting by time", a, b)
	}
	if NewMessageID(testTime(1)) == a {
		t.Error("two IDs in the same millisecond are equal")
	}
}
