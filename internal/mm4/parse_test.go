package mm4

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// now is the receiving MMSC's clock in every test.
var now = time.Date(2025, 3, 4, 10, 15, 30, 0, time.UTC)

// gif1x1 is the 1×1 GIF of nowsms-mm4-submission.md §4 and mm4.md §12.1.
var gif1x1 = unhex("47494638396101000100800000000000ffffff2c00000000010001000002024401003b")

// png1x1 is the image in testdata/nested-related.eml.
var png1x1 = unhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05 -0700", s)
	if err != nil {
		panic(err)
	}
	return t
}

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseCorpus reads each message of testdata/ and states everything
// Parse must make of it.
func TestParseCorpus(t *testing.T) {
	tests := []struct {
		file string
		want mms.Message
	}{{
		// nowsms-mm4-submission.md §4: quoted IDs, multipart/mixed, base64 GIF.
		file: "nowsms-seed.eml",
		want: mms.Message{
			MessageType:      "MM4_forward.REQ",
			MMSVersion:       "5.9.0",
			TransactionID:    "60755231.94578772@mmsc",
			MM4MessageID:     "148478240@mmsc.hub",
			SMTPMessageID:    "60755231.94578772@mmsc",
			From:             "+447779998888/TYPE=PLMN@mms.example.net",
			To:               []string{"+447778889999/TYPE=PLMN@mms.example.net"},
			Subject:          "News for today",
			Date:             date("2007-05-08 12:18:32 +0300"),
			AckRequest:       true,
			OriginatorSystem: "system-user@mmsc.hub",
			ContentType:      "multipart/mixed",
			Parts: []mms.Part{
				{ContentType: "text/plain; charset=utf-8", Data: []byte("Science news, new Saturn pictures...")},
				{ContentType: "image/gif", Data: gif1x1},
			},
		},
	}, {
		// multipart/related with SMIL nested in multipart/mixed, LF line ends,
		// preamble and epilogue, a Content-ID without brackets.
		file: "nested-related.eml",
		want: mms.Message{
			MessageType:   "MM4_forward.REQ",
			MMSVersion:    "6.3.0",
			TransactionID: "nested-T1",
			MM4MessageID:  "nested-M1@mms.mnc001.mcc001.gprs",
			SMTPMessageID: "nested-1@mms.mnc001.mcc001.gprs",
			From:          "+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs",
			To:            []string{"+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs"},
			Subject:       "Nested",
			Date:          date("2025-03-04 10:15:00 +0000"),
			ContentType:   "multipart/mixed",
			Parts: []mms.Part{
				{ContentType: "application/smil", ContentID: "<pres>", ContentLocation: "pres.smil",
					Data: []byte(`<smil><body><par dur="5000ms"><img src="dot.png"/><text src="hello.txt"/></par></body></smil>`)},
				{ContentType: "image/png", ContentID: "<dot>", ContentLocation: "dot.png", Data: png1x1},
				{ContentType: "text/plain; charset=utf-8", ContentID: "<hello>", ContentLocation: "hello.txt",
					Data: []byte("Hello from the inner part.")},
				{ContentType: "application/octet-stream; name=data.bin", Name: "data.bin", Data: []byte{0, 1, 2, 0xff}},
			},
		},
	}, {
		// Quoted-printable ISO-8859-1 with a soft line break, converted to UTF-8.
		file: "qp-latin1.eml",
		want: mms.Message{
			MessageType:   "MM4_forward.REQ",
			TransactionID: "qp-1",
			MM4MessageID:  "qp-1",
			From:          "+447700900123/TYPE=PLMN@mms.example.net",
			To:            []string{"+447700900456/TYPE=PLMN@mms.example.net"},
			Subject:       "Menu",
			ContentType:   "multipart/mixed",
			Parts: []mms.Part{
				{ContentType: "text/plain; charset=utf-8", Data: []byte("Un café crème, s'il vous plaît, pour deux.")},
			},
		},
	}, {
		// WAP multipart name, unquoted Start/Type, upper-case header names and
		// type, version 5.5.0, relative expiry, addresses without a domain,
		// BASE64 in capitals.
		file: "wap-related.eml",
		want: mms.Message{
			MessageType:      "MM4_forward.REQ",
			MMSVersion:       "5.5.0",
			TransactionID:    "wap-1",
			MM4MessageID:     "wap-1@mms.mnc006.mcc260.gprs",
			From:             "+447700900123/TYPE=PLMN",
			To:               []string{"+447700900456/TYPE=PLMN"},
			Sender:           "+447700900123/TYPE=PLMN@mms.mnc006.mcc260.gprs",
			OriginatorSystem: "PostMaster@mms.mnc006.mcc260.gprs",
			Expiry:           now.Add(600 * time.Second),
			ContentType:      `multipart/related; start="<smil>"; type="application/smil"`,
			Parts: []mms.Part{
				{ContentType: "application/smil", ContentID: "<smil>", Data: []byte(`<smil><body><par><img src="cid:img"/></par></body></smil>`)},
				{ContentType: "image/gif", ContentID: "<img>", Data: gif1x1},
			},
		},
	}, {
		// Plain e-mail: no X-Mms-* header at all, one 8-bit UTF-8 text part,
		// display names, a quoted comma, an empty group.
		file: "plain-email.eml",
		want: mms.Message{
			MessageType:   "MM4_forward.REQ",
			SMTPMessageID: "CAF=abc123@mail.example.com",
			From:          "alice@example.com",
			To:            []string{"+447700900456@mms.example.net", "carol@example.org"},
			Subject:       "Hello from e-mail",
			Date:          date("2025-03-05 09:00:00 +0100"),
			ContentType:   "text/plain; charset=utf-8",
			Parts: []mms.Part{
				{ContentType: "text/plain; charset=utf-8", Data: []byte("Hi Bob — this came from an ordinary mail client.\r\n")},
			},
		},
	}, {
		// mm4.md §12.1, the worked MM4_forward.REQ.
		file: "mm4-12-1.eml",
		want: mms.Message{
			MessageType:      "MM4_forward.REQ",
			MMSVersion:       "6.3.0",
			TransactionID:    "A-20250304-000017",
			MM4MessageID:     "A-7f3a9c@mms.mnc001.mcc001.gprs",
			SMTPMessageID:    "20250304101500.7f3a9c@mms.mnc001.mcc001.gprs",
			From:             "+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs",
			To:               []string{"+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs"},
			Subject:          "Lunch?",
			Date:             date("2025-03-04 10:15:00 +0000"),
			MessageClass:     "Personal",
			Priority:         "Normal",
			Expiry:           date("2025-03-07 10:15:00 +0000"),
			AckRequest:       true,
			DeliveryReport:   true,
			ReadReply:        true,
			OriginatorSystem: "system-user@mms.mnc001.mcc001.gprs",
			Sender:           "system-user@mms.mnc001.mcc001.gprs",
			ContentType:      `multipart/related; start="<smil>"; type="application/smil"`,
			Parts: []mms.Part{
				{ContentType: "application/smil; charset=utf-8", ContentID: "<smil>", ContentLocation: "smil.smil",
					Data: []byte("<smil><head><layout><root-layout/><region id=\"Image\" top=\"0\" height=\"70%\"/>\r\n" +
						"<region id=\"Text\" top=\"70%\" height=\"30%\"/></layout></head><body><par dur=\"5000ms\">\r\n" +
						"<img src=\"pixel.gif\" region=\"Image\"/><text src=\"text.txt\" region=\"Text\"/></par></body></smil>")},
				{ContentType: "text/plain; charset=utf-8", ContentID: "<text>", ContentLocation: "text.txt",
					Data: []byte("Lunch at 12:30? — A.")},
				{ContentType: "image/gif", ContentID: "<pixel>", ContentLocation: "pixel.gif", Data: gif1x1},
			},
		},
	}, {
		// multipart/alternative: both versions are parts, in order.
		file: "alternative.eml",
		want: mms.Message{
			MessageType:   "MM4_forward.REQ",
			TransactionID: "alt-1",
			MM4MessageID:  "alt-1",
			From:          "+447700900123/TYPE=PLMN@mms.example.net",
			To:            []string{"+447700900456/TYPE=PLMN@mms.example.net"},
			ContentType:   "multipart/alternative",
			Parts: []mms.Part{
				{ContentType: "text/plain; charset=utf-8", Data: []byte("Plain version")},
				{ContentType: "text/html; charset=utf-8", Data: []byte("<p>HTML version</p>")},
			},
		},
	}, {
		// RFC 2047 subject in UTF-8 B and ISO-8859-1 Q over a folded line,
		// RFC 2047 name parameter, RFC 2231 filename (which wins).
		file: "rfc2047.eml",
		want: mms.Message{
			MessageType:   "MM4_forward.REQ",
			TransactionID: "enc-1",
			MM4MessageID:  "enc-1",
			From:          "+447700900123/TYPE=PLMN@mms.example.net",
			To:            []string{"+447700900456/TYPE=PLMN@mms.example.net"},
			Subject:       "😀 Smile and café crème",
			ContentType:   "multipart/mixed",
			Parts: []mms.Part{
				{ContentType: "image/jpeg; name*=utf-8''caf%C3%A9.jpg", Name: "café crème.jpg",
					Data: []byte{0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43}},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readCorpus(t, tt.file)
			m, err := Parse(raw, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if &m.Raw[0] != &raw[0] || len(m.Raw) != len(raw) {
				t.Error("Raw is not the input slice")
			}
			compareMessage(t, m, &tt.want)
		})
	}
}

// compareMessage reports each field of got that differs from want, Raw aside.
func compareMessage(t *testing.T, got, want *mms.Message) {
	t.Helper()
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		if name == "Raw" || name == "Parts" {
			continue
		}
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			if !gt.Equal(w.(time.Time)) {
				t.Errorf("%s = %v, want %v", name, g, w)
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %#v, want %#v", name, g, w)
		}
	}
	if len(got.Parts) != len(want.Parts) {
		t.Fatalf("%d parts, want %d: %+v", len(got.Parts), len(want.Parts), got.Parts)
	}
	for i := range want.Parts {
		g, w := got.Parts[i], want.Parts[i]
		if g.ContentType != w.ContentType || g.Name != w.Name || g.ContentLocation != w.ContentLocation || g.ContentID != w.ContentID {
			t.Errorf("part %d = {%q %q %q %q}, want {%q %q %q %q}", i+1,
				g.ContentType, g.Name, g.ContentLocation, g.ContentID,
				w.ContentType, w.Name, w.ContentLocation, w.ContentID)
		}
		if !bytes.Equal(g.Data, w.Data) {
			t.Errorf("part %d data = %q, want %q", i+1, g.Data, w.Data)
		}
	}
}
