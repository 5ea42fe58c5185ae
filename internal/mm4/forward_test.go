package mm4

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// forwardOf is the Forward a relaying MMSC would give for m, addresses
// unchanged; IDs and the originator system are made up where m lacks them.
func forwardOf(m *mms.Message) Forward {
	f := Forward{
		From: m.From, To: m.To, Cc: m.Cc,
		TransactionID: m.TransactionID, MessageID: m.MM4MessageID,
		OriginatorSystem: "system-user@mms.example.net",
		AckRequest:       true, DeliveryReport: m.DeliveryReport, ReadReply: m.ReadReply,
		Date: m.Date,
	}
	if f.TransactionID == "" {
		f.TransactionID = "T-relay"
	}
	if f.MessageID == "" {
		f.MessageID = "M-relay@mms.example.net"
	}
	return f
}

// TestBuildForwardCorpus: every forward request of testdata, parsed,
// forwarded and parsed again, gives back the same parts byte for byte and
// the same header fields. The body becomes multipart/mixed unless it was
// multipart/related.
func TestBuildForwardCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	forwards := 0
	for _, file := range files {
		m1, err := Parse(readCorpus(t, filepath.Base(file)), now)
		if err != nil {
			continue // a response or report
		}
		forwards++
		t.Run(filepath.Base(file), func(t *testing.T) {
			f := forwardOf(m1)
			raw, err := BuildForward(m1, f)
			if err != nil {
				t.Fatal(err)
			}
			checkSendable(t, raw)
			m2, err := Parse(raw, now)
			if err != nil {
				t.Fatalf("Parse(BuildForward()): %v\n%s", err, raw)
			}
			want := *m1
			want.MMSVersion = buildVersion
			want.TransactionID, want.MM4MessageID = f.TransactionID, f.MessageID
			want.SMTPMessageID = m2.SMTPMessageID // fresh
			want.AckRequest = true
			want.OriginatorSystem, want.Sender = f.OriginatorSystem, f.OriginatorSystem
			if !strings.HasPrefix(m1.ContentType, "multipart/related") {
				want.ContentType = "multipart/mixed"
			}
			if m1.Date.IsZero() {
				want.Date = m2.Date // now
			}
			compareMessage(t, m2, &want)
			if m2.SMTPMessageID == m1.SMTPMessageID || !strings.HasSuffix(m2.SMTPMessageID, "@mms.example.net") {
				t.Errorf("Message-ID %q is not fresh and ours", m2.SMTPMessageID)
			}
		})
	}
	if forwards < 8 {
		t.Errorf("only %d forward requests in testdata", forwards)
	}
}

// TestBuildForwardFields: the header fields BuildForward takes from the
// message and from the Forward.
func TestBuildForwardFields(t *testing.T) {
	m := &mms.Message{
		Subject:      "Grüße, a subject long enough that its encoded words must be folded over lines",
		MessageClass: "advertisement", // canonical on the way out
		Priority:     "HIGH",
		Expiry:       date("2025-03-07 10:15:00 +0100"),
		SenderHidden: true,
		ContentType:  "text/plain; charset=utf-8",
		Parts:        []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("hi")}},
	}
	f := Forward{
		From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN@b.net", "+443/TYPE=PLMN@b.net"}, Cc: []string{"+444/TYPE=PLMN@b.net"},
		TransactionID: "T1", MessageID: "M1@a.net", OriginatorSystem: "system-user@a.net",
		ForwardCounter: 2, Date: date("2025-03-04 10:15:00 +0000"),
	}
	raw, err := BuildForward(m, f)
	if err != nil {
		t.Fatal(err)
	}
	checkWireForm(t, raw)
	for _, line := range []string{
		"X-Mms-Message-Class: Advertisement", "X-Mms-Priority: High", "X-Mms-Expiry: Fri, 7 Mar 2025 10:15:00 +0100",
		"X-Mms-Sender-Visibility: Hide", "X-Mms-Forward-Counter: 2", "Sender: system-user@a.net",
		"X-Mms-Originator-System: system-user@a.net", `X-Mms-Transaction-ID: "T1"`, `X-Mms-Message-ID: "M1@a.net"`,
	} {
		if !bytes.Contains(raw, []byte("\r\n"+line+"\r\n")) {
			t.Errorf("no line %q", line)
		}
	}
	for _, absent := range []string{"X-Mms-Ack-Request", "X-Mms-Delivery-Report", "X-Mms-Read-Reply"} {
		if bytes.Contains(raw, []byte(absent)) {
			t.Errorf("%s written without being asked", absent)
		}
	}
	pdu, err := ParseAny(raw, now)
	if err != nil {
		t.Fatal(err)
	}
	got := pdu.Forward
	if pdu.ForwardCounter != 2 || got.Subject != m.Subject || got.MessageClass != "Advertisement" || got.Priority != "High" ||
		!got.Expiry.Equal(m.Expiry) || !got.SenderHidden || len(got.To) != 2 || len(got.Cc) != 1 || got.Cc[0] != f.Cc[0] {
		t.Errorf("read back %+v, counter %d", got, pdu.ForwardCounter)
	}

	// No counter, no visibility, no class: none written.
	m.SenderHidden, m.MessageClass, m.Priority, m.Expiry, f.ForwardCounter = false, "", "", time.Time{}, 0
	raw, _ = BuildForward(m, f)
	for _, absent := range []string{"X-Mms-Forward-Counter", "X-Mms-Sender-Visibility", "X-Mms-Message-Class", "X-Mms-Priority", "X-Mms-Expiry"} {
		if bytes.Contains(raw, []byte(absent)) {
			t.Errorf("%s written though unset", absent)
		}
	}
}

// TestBuildForwardBodyType: related keeps start and type, and the WAP
// names of MM1 become MIME ones (mm4.md §10.1); anything else is mixed.
func TestBuildForwardBodyType(t *testing.T) {
	parts := []mms.Part{
		{ContentType: "application/smil", ContentID: "<s>", Data: []byte("<smil/>")},
		{ContentType: "text/plain; charset=utf-8", ContentID: "<t>", Data: []byte("hi")},
	}
	for in, want := range map[string]string{
		`multipart/related; start="<s>"; type="application/smil"`:                 `multipart/related; start="<s>"; type="application/smil"`,
		`application/vnd.wap.multipart.related; start=<s>; type=application/smil`: `multipart/related; start="<s>"; type="application/smil"`,
		`multipart/related`: `multipart/related`,
		`multipart/related; type="application/smil"; start="<s>"; report-type=junk`: `multipart/related; start="<s>"; type="application/smil"`,
		`multipart/alternative`:               `multipart/mixed`,
		`application/vnd.wap.multipart.mixed`: `multipart/mixed`,
		`text/plain; charset=utf-8`:           `multipart/mixed`,
		``:                                    `multipart/mixed`,
	} {
		m := &mms.Message{ContentType: in, Parts: parts}
		raw, err := BuildForward(m, forwardOf(&mms.Message{From: "a@b", To: []string{"c@d"}}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(raw, now)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContentType != want {
			t.Errorf("%q became %q, want %q", in, got.ContentType, want)
		}
	}
}

// TestBuildForwardParts: parts that need care on the way out come back
// exactly as Parse would give them.
func TestBuildForwardParts(t *testing.T) {
	longName := strings.Repeat("photo à la plage ", 20) + ".jpg"
	tests := []struct {
		name string
		in   mms.Part
		want mms.Part // zero = in
	}{
		{name: "binary", in: mms.Part{ContentType: "image/gif", ContentID: "<pixel>", ContentLocation: "pixel.gif", Data: gif1x1}},
		{name: "empty", in: mms.Part{ContentType: "application/octet-stream", Data: []byte{}}},
		{name: "name from Content-Disposition",
			in: mms.Part{ContentType: "image/jpeg; name=a.jpg", Name: "café crème.jpg", Data: []byte{0xff, 0xd8}}},
		{name: "name only in Content-Disposition", in: mms.Part{ContentType: "image/jpeg", Name: "b.jpg", Data: []byte{0xff}}},
		{name: "long non-ASCII name in RFC 2231 continuations",
			in:   mms.Part{ContentType: "image/jpeg; name=\"" + longName + "\"", Name: longName, Data: []byte{1}},
			want: mms.Part{ContentType: "image/jpeg; name*=utf-8''" + percentEncode(longName), Name: longName, Data: []byte{1}}},
		{name: "non-ASCII Content-Location", in: mms.Part{ContentType: "text/plain; charset=utf-8", ContentLocation: "grüße  2.txt", Data: []byte("x")}},
		{name: "Content-ID gets brackets", in: mms.Part{ContentType: "image/gif", ContentID: "pixel", Data: gif1x1},
			want: mms.Part{ContentType: "image/gif", ContentID: "<pixel>", Data: gif1x1}},
		{name: "no content type is bytes", in: mms.Part{Data: []byte{0}},
			want: mms.Part{ContentType: "application/octet-stream", Data: []byte{0}}},
		{name: "text without charset is labelled", in: mms.Part{ContentType: "text/plain", Data: []byte("grüße")},
			want: mms.Part{ContentType: "text/plain; charset=utf-8", Data: []byte("grüße")}},
		{name: "text with bare LFs", in: mms.Part{ContentType: "text/plain; charset=utf-8", Data: []byte("a\nb\n")}},
		{name: "text in a charset Parse could not convert", in: mms.Part{ContentType: "text/plain; charset=x-martian", Data: []byte("caf\xe9")}},
		{name: "SMIL with long lines", in: mms.Part{ContentType: "application/smil; charset=utf-8", ContentID: "<smil>",
			Data: []byte("<smil>" + strings.Repeat("<par/>", 200) + "</smil>")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mms.Message{ContentType: "multipart/mixed", Parts: []mms.Part{tt.in}}
			raw, err := BuildForward(m, forwardOf(&mms.Message{From: "a@b", To: []string{"c@d"}}))
			if err != nil {
				t.Fatal(err)
			}
			checkSendable(t, raw)
			got, err := Parse(raw, now)
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, raw)
			}
			want := tt.want
			if want.ContentType == "" {
				want = tt.in
			}
			wantMsg := *got
			wantMsg.Parts = []mms.Part{want}
			compareMessage(t, got, &wantMsg)
		})
	}
}

// TestBuildForwardRejects: what cannot make a correct forward request.
func TestBuildForwardRejects(t *testing.T) {
	ok := func() (*mms.Message, Forward) {
		return &mms.Message{ContentType: "multipart/mixed", Parts: []mms.Part{{ContentType: "text/plain", Data: []byte("x")}}},
			forwardOf(&mms.Message{From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN@b.net"}})
	}
	tests := []struct {
		change func(*mms.Message, *Forward)
		want   string
	}{
		{func(m *mms.Message, f *Forward) { f.To = nil }, "no recipient in To or Cc"},
		{func(m *mms.Message, f *Forward) { f.To = []string{"a@b", ""} }, "no To 2"},
		{func(m *mms.Message, f *Forward) { f.To, f.Cc = nil, []string{"a@b\r\nBcc: c@d"} }, `Cc 1 "a@b\r\nBcc: c@d": only printable ASCII allowed`},
		{func(m *mms.Message, f *Forward) { f.From = "" }, "no From"},
		{func(m *mms.Message, f *Forward) { f.TransactionID = "" }, "no TransactionID"},
		{func(m *mms.Message, f *Forward) { f.MessageID = "a\x00b" }, `MessageID "a\x00b": want printable ASCII without quotes`},
		{func(m *mms.Message, f *Forward) { f.OriginatorSystem = "" }, "no OriginatorSystem"},
		{func(m *mms.Message, f *Forward) { f.ForwardCounter = -1 }, "ForwardCounter -1 is negative"},
		{func(m *mms.Message, f *Forward) { m.MessageClass = "Bulk" }, `MessageClass "Bulk" is not Personal, Advertisement, Informational or Auto`},
		{func(m *mms.Message, f *Forward) { m.Priority = "Urgent" }, `Priority "Urgent" is not Low, Normal or High`},
		{func(m *mms.Message, f *Forward) { m.Subject = "\xff" }, "Subject is not valid UTF-8"},
		{func(m *mms.Message, f *Forward) { m.Expiry = time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC) }, "Expiry 12345-01-01 00:00:00 +0000 UTC: year out of range"},
		{func(m *mms.Message, f *Forward) { m.Parts = nil }, "message has no parts"},
		{func(m *mms.Message, f *Forward) { m.Parts[0].ContentType = "multipart/mixed; boundary=x" }, "part 1: a multipart/mixed cannot be one part"},
		{func(m *mms.Message, f *Forward) { m.Parts[0].ContentType = "garbage" }, `part 1: content type "garbage" is not type/subtype`},
		{func(m *mms.Message, f *Forward) { m.Parts[0].ContentID = "<zoë>" }, `part 1: Content-ID "<zoë>": want up to 900 printable ASCII characters`},
		{func(m *mms.Message, f *Forward) { m.Parts[0].Name = "\xff" }, "part 1: Content-Location or name is not valid UTF-8"},
	}
	for _, tt := range tests {
		m, f := ok()
		tt.change(m, &f)
		_, err := BuildForward(m, f)
		if want := "build MM4_forward.REQ: " + tt.want; err == nil || err.Error() != want {
			t.Errorf("error\n got %v\nwant %s", err, want)
		}
	}
	if _, err := BuildForward(nil, Forward{}); err == nil || err.Error() != "build MM4_forward.REQ: no message" {
		t.Errorf("nil message: %v", err)
	}
	if m, f := ok(); true {
		if _, err := BuildForward(m, f); err != nil {
			t.Errorf("baseline refused: %v", err)
		}
	}
}
