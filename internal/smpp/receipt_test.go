package smpp

import (
	"strings"
	"testing"
)

func TestParseReceipt(t *testing.T) {
	tests := []struct {
		name, text    string
		id, stat, err string
	}{
		{"appendix B", "id:0123456789 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello",
			"0123456789", "DELIVRD", "000"},
		{"upper case keys", "ID:abc SUB:001 DLVRD:000 SUBMIT DATE:2501011200 DONE DATE:2501011201 STAT:UNDELIV ERR:034 TEXT:",
			"abc", "UNDELIV", "034"},
		{"lower case stat", "id:5 stat:expired err:000", "5", "EXPIRED", "000"},
		{"other order", "stat:REJECTD err:011 id:77 text:x", "77", "REJECTD", "011"},
		{"text containing keys", "id:9 sub:001 dlvrd:001 submit date:x done date:y stat:DELIVRD err:000 text:id:1 stat:UNDELIV",
			"9", "DELIVRD", "000"},
		{"vendor prefix key", "msgid:5 id:6 stat:DELIVRD", "6", "DELIVRD", ""},
		{"extra spaces", "id: 42  stat: ACCEPTD  err: 000", "42", "ACCEPTD", "000"},
		{"empty", "", "", "", ""},
		{"not a receipt", "Hello, how are you?", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseReceipt(tt.text)
			if r.MessageID != tt.id || r.Stat != tt.stat || r.Err != tt.err {
				t.Errorf("ParseReceipt(%q) = id %q stat %q err %q, want %q %q %q",
					tt.text, r.MessageID, r.Stat, r.Err, tt.id, tt.stat, tt.err)
			}
			if r.Raw != tt.text {
				t.Errorf("Raw = %q", r.Raw)
			}
		})
	}
}

func FuzzParseReceipt(f *testing.F) {
	f.Add("id:0123456789 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello")
	f.Add("ID:x STAT:undeliv")
	f.Add("text:id:stat:err:")
	f.Add("id:\xff\xfe\u0130 stat:\u0130DELIVRD")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		r := ParseReceipt(text) // must not panic
		for _, v := range []string{r.MessageID, r.Stat, r.Err} {
			if v != strings.TrimSpace(v) {
				t.Errorf("field %q not trimmed", v)
			}
			if len(v) > len(text) {
				t.Errorf("field %q longer than the text", v)
			}
		}
		if r.Raw != text {
			t.Errorf("Raw changed")
		}
	})
}
