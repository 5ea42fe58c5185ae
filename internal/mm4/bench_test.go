package mm4

import (
	"strings"
	"testing"
)

// BenchmarkParse30KB: a typical MMS, one photo of ~22 KB in base64 with
// SMIL and text, about 30 KB on the wire.
func BenchmarkParse30KB(b *testing.B) {
	raw, err := Build(ForwardRequest{
		From:    "+447700900123/TYPE=PLMN@mms.example.net",
		To:      []string{"+447700900456/TYPE=PLMN@mms.example.net"},
		Subject: "Holiday photo",
		Text:    "Greetings from the coast — the weather is lovely.\n",
		Files: []File{
			{Name: "photo.jpg", Data: noise(16500, 4)}, // 22 KB as base64
			{Name: "voice.amr", Data: noise(4000, 5)},
			{Name: "notes.txt", Data: []byte(strings.Repeat("A line of notes that goes with the picture.\r\n", 40))},
		},
		OriginatorSystem: "system-user@mms.example.net",
		AckRequest:       true,
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(raw) < 28000 || len(raw) > 32000 {
		b.Fatalf("message is %d bytes, want about 30 KB", len(raw))
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild30KB: the same message written.
func BenchmarkBuild30KB(b *testing.B) {
	r := ForwardRequest{
		From:  "+447700900123/TYPE=PLMN@mms.example.net",
		To:    []string{"+447700900456/TYPE=PLMN@mms.example.net"},
		Text:  "Greetings from the coast.",
		Files: []File{{Name: "photo.jpg", Data: noise(16500, 4)}, {Name: "voice.amr", Data: noise(4000, 5)}},
	}
	b.ReportAllocs()
	for b.Loop() {
		raw, err := Build(r)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(raw)))
	}
}
