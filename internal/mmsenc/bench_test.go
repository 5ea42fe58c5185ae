package mmsenc

import "testing"

// A typical MMS: SMIL, a short text and a 30 KB photo.
func retrieveConf30KB() *PDU {
	p := exampleRetrieveConf()
	photo := make([]byte, 30*1024)
	for i := range photo {
		photo[i] = byte(i * 7)
	}
	p.Parts = append(p.Parts, Part{ContentType: "image/jpeg; name=saturn.jpg", ContentLocation: "saturn.jpg", ContentID: "<saturn>", Data: photo})
	return p
}

func BenchmarkEncodeRetrieveConf30KB(b *testing.B) {
	p := retrieveConf30KB()
	out, _ := Encode(p)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeNotification(b *testing.B) {
	p := exampleNotification()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRetrieveConf30KB(b *testing.B) {
	in, err := Encode(retrieveConf30KB())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(in); err != nil {
			b.Fatal(err)
		}
	}
}
