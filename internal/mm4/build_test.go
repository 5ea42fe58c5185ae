package mm4

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

// noise returns n reproducible pseudo-random bytes: binary content with
// every byte value, CRs and LFs included.
func noise(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func richRequest() ForwardRequest {
	return ForwardRequest{
		From:    "+447700900123/TYPE=PLMN@mms.example.net",
		To:      []string{"+447700900456/TYPE=PLMN@mms.example.net", "+447700900789/TYPE=PLMN"},
		Subject: "Grüße from Zoë 😀, a subject long enough that its encoded words must be folded",
		Text:    "Hello\nworld — see the pictures.\n",
		Files: []File{
			{Name: "pixel.gif", Data: gif1x1},
			{Name: "voice.amr", Data: noise(3000, 1)},
			{Name: "notes.txt", Data: []byte("line one\r\nligne deux é\r\n")},
			{Name: "card.vcf", Data: []byte("BEGIN:VCARD\nFN:Bob\nEND:VCARD\n")}, // bare LFs: must survive exactly
			{Name: "photo café.jpg", Data: noise(100, 2)},
			{Name: "pixel.gif", Data: gif1x1},                  // same name again
			{ContentType: "video/3gpp", Data: noise(22000, 3)}, // no name
			{Name: "latin.txt", ContentType: "text/plain; charset=iso-8859-1", Data: []byte("caf\xe9")},
		},
		TransactionID:    "T-1",
		Date:             date("2025-03-04 10:15:00 +0000"),
		OriginatorSystem: "system-user@mmsc.example.net",
		AckRequest:       true,
		DeliveryReport:   true,
		ReadReply:        true,
	}
}

// TestBuildParseRoundTrip: what Build writes, Parse reads back unchanged.
func TestBuildParseRoundTrip(t *testing.T) {
	req := richRequest()
	raw, err := Build(req)
	if err != nil {
		t.Fatal(err)
	}
	checkWireForm(t, raw)
	for _, h := range []string{
		"\r\nX-Mms-3GPP-MMS-Version: 6.3.0\r\n",
		"\r\nX-Mms-Message-Type: MM4_forward.REQ\r\n",
		"\r\nX-Mms-Transaction-ID: \"T-1\"\r\n",
		"\r\nMIME-Version: 1.0\r\n",
		"\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe",
	} {
		if !bytes.Contains(raw, []byte(h)) {
			t.Errorf("output lacks %q", h)
		}
	}

	m, err := Parse(raw, now)
	if err != nil {
		t.Fatalf("Parse(Build()): %v\n%s", err, raw)
	}
	for _, c := range []struct{ name, got, want string }{
		{"MessageType", m.MessageType, "MM4_forward.REQ"},
		{"MMSVersion", m.MMSVersion, "6.3.0"},
		{"TransactionID", m.TransactionID, "T-1"},
		{"From", m.From, req.From},
		{"To", strings.Join(m.To, " "), strings.Join(req.To, " ")},
		{"Subject", m.Subject, req.Subject},
		{"OriginatorSystem", m.OriginatorSystem, req.OriginatorSystem},
		{"Sender", m.Sender, req.OriginatorSystem},
		{"ContentType", m.ContentType, `multipart/related; start="<smil>"; type="application/smil"`},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !strings.HasSuffix(m.MM4MessageID, "@mmsc.example.net") || !strings.HasSuffix(m.SMTPMessageID, "@mmsc.example.net") {
		t.Errorf("generated IDs %q, %q lack the originator's domain", m.MM4MessageID, m.SMTPMessageID)
	}
	if !m.Date.Equal(req.Date) || !m.AckRequest || !m.DeliveryReport || !m.ReadReply {
		t.Errorf("Date %v Ack %v DR %v RR %v", m.Date, m.AckRequest, m.DeliveryReport, m.ReadReply)
	}

	if len(m.Parts) != 2+len(req.Files) {
		t.Fatalf("%d parts, want SMIL + text + %d files", len(m.Parts), len(req.Files))
	}
	smil := m.Parts[0]
	if smil.ContentType != "application/smil; charset=utf-8" || smil.ContentID != "<smil>" || smil.ContentLocation != "smil.smil" {
		t.Errorf("first part %q %q %q, want the SMIL start part", smil.ContentType, smil.ContentID, smil.ContentLocation)
	}
	text := m.Parts[1]
	if text.ContentType != "text/plain; charset=utf-8" || string(text.Data) != "Hello\r\nworld — see the pictures.\r\n" {
		t.Errorf("text part %q %q", text.ContentType, text.Data)
	}
	seen := map[string]bool{}
	for i, p := range m.Parts[1:] {
		if p.ContentID != "<"+p.ContentLocation+">" {
			t.Errorf("part %d: Content-ID %q does not match Content-Location %q", i+2, p.ContentID, p.ContentLocation)
		}
		if seen[p.ContentLocation] {
			t.Errorf("part %d: Content-Location %q used twice", i+2, p.ContentLocation)
		}
		seen[p.ContentLocation] = true
		if !bytes.Contains(smil.Data, []byte(`src="`+p.ContentLocation+`"`)) {
			t.Errorf("SMIL does not reference %q:\n%s", p.ContentLocation, smil.Data)
		}
	}
	for i, f := range req.Files {
		p := m.Parts[2+i]
		want := f.Data
		if f.Name == "latin.txt" {
			want = []byte("café") // Parse converts text to UTF-8
		}
		if !bytes.Equal(p.Data, want) {
			t.Errorf("file %d (%s): %d bytes back, want %d, equal=false", i+1, f.Name, len(p.Data), len(want))
		}
		if p.Name != p.ContentLocation {
			t.Errorf("file %d: Name %q, Content-Location %q", i+1, p.Name, p.ContentLocation)
		}
	}
	wantLoc := []string{"pixel.gif", "voice.amr", "notes.txt", "card.vcf", "photo_caf_.jpg", "pixel-2.gif"}
	for i, loc := range wantLoc {
		if got := m.Parts[2+i].ContentLocation; got != loc {
			t.Errorf("file %d: Content-Location %q, want %q", i+1, got, loc)
		}
	}
	if ct := m.Parts[2+1].ContentType; ct != "audio/amr; name=voice.amr" {
		t.Errorf("voice.amr typed %q", ct)
	}
}

// TestBuildReadByGoMessage: an independent MIME reader sees the same parts,
// so the output is not merely something only this package understands.
func TestBuildReadByGoMessage(t *testing.T) {
	req := richRequest()
	req.Files = req.Files[:7] // go-message would convert latin.txt too; keep it simple
	raw, err := Build(req)
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	err = e.Walk(func(_ []int, ent *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if ent.MultipartReader() != nil {
			return nil
		}
		b, err := io.ReadAll(ent.Body)
		bodies = append(bodies, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2+len(req.Files) {
		t.Fatalf("go-message found %d parts", len(bodies))
	}
	for i, f := range req.Files {
		if !bytes.Equal(bodies[2+i], f.Data) {
			t.Errorf("file %d (%s) differs as read by go-message", i+1, f.Name)
		}
	}
}

// checkWireForm: CRLF only, lines within RFC 5322's 998 and, for this
// content, within 76 as base64, quoted-printable and folding keep them.
func checkWireForm(t *testing.T, raw []byte) {
	t.Helper()
	if !canonicalLines(raw) {
		t.Error("output has a bare CR or LF")
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 76 {
			t.Errorf("line %d is %d characters: %q", i+1, len(line), line)
		}
	}
}

// TestBuildTextOnly: no files means no SMIL and multipart/mixed.
func TestBuildTextOnly(t *testing.T) {
	raw, err := Build(ForwardRequest{From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN@b.net"}, Text: "Just text"})
	if err != nil {
		t.Fatal(err)
	}
	checkWireForm(t, raw)
	if bytes.Contains(raw, []byte("\r\nX-Mms-Ack-Request")) || bytes.Contains(raw, []byte("\r\nSubject")) {
		t.Errorf("unasked headers in\n%s", raw)
	}
	m, err := Parse(raw, now)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContentType != "multipart/mixed" || len(m.Parts) != 1 ||
		m.Parts[0].ContentType != "text/plain; charset=utf-8" || string(m.Parts[0].Data) != "Just text" {
		t.Errorf("got %q with parts %+v", m.ContentType, m.Parts)
	}
	if m.TransactionID == "" || m.MM4MessageID == "" || m.SMTPMessageID == "" || m.Date.IsZero() {
		t.Errorf("IDs or date not generated: %q %q %q %v", m.TransactionID, m.MM4MessageID, m.SMTPMessageID, m.Date)
	}
	if time.Since(m.Date) > time.Minute {
		t.Errorf("Date %v is not now", m.Date)
	}
	again, _ := Build(ForwardRequest{From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN@b.net"}, Text: "Just text"})
	if m2, _ := Parse(again, now); m2.TransactionID == m.TransactionID || m2.MM4MessageID == m.MM4MessageID {
		t.Error("generated IDs repeat")
	}
}

// TestBuildSMILSlides: one image or video, one audio clip and one text per
// slide; timed slides follow their clip, still ones last 5 s.
func TestBuildSMILSlides(t *testing.T) {
	smil := string(buildSMIL([]smilItem{
		{"text.txt", "text/plain"}, {"a.jpg", "image/jpeg"}, {"a.amr", "audio/amr"},
		{"b.jpg", "image/jpeg"}, {"c.3gp", "video/3gpp"}, {"x.bin", "application/octet-stream"},
	}))
	want := "<body>\r\n" +
		"<par>\r\n<text src=\"text.txt\" region=\"Text\"/>\r\n<img src=\"a.jpg\" region=\"Image\"/>\r\n<audio src=\"a.amr\"/>\r\n</par>\r\n" +
		"<par dur=\"5000ms\">\r\n<img src=\"b.jpg\" region=\"Image\"/>\r\n</par>\r\n" +
		"<par>\r\n<video src=\"c.3gp\" region=\"Image\"/>\r\n<ref src=\"x.bin\"/>\r\n</par>\r\n" +
		"</body>\r\n</smil>\r\n"
	if !strings.HasSuffix(smil, want) {
		t.Errorf("SMIL body\n%s\nwant\n%s", smil, want)
	}
}

// TestBuildRejects: requests that would make a broken or unsafe message.
func TestBuildRejects(t *testing.T) {
	ok := func() ForwardRequest {
		return ForwardRequest{From: "+441/TYPE=PLMN@a.net", To: []string{"+442/TYPE=PLMN@b.net"}, Text: "x"}
	}
	tests := []struct {
		name   string
		change func(*ForwardRequest)
	}{
		{"no From", func(r *ForwardRequest) { r.From = "" }},
		{"no To", func(r *ForwardRequest) { r.To = nil }},
		{"empty To entry", func(r *ForwardRequest) { r.To = []string{" "} }},
		{"nothing to send", func(r *ForwardRequest) { r.Text = "" }},
		{"header injection in Subject", func(r *ForwardRequest) { r.Subject = "hi\r\nBcc: x@y" }},
		{"header injection in To", func(r *ForwardRequest) { r.To = []string{"a@b\r\nX: y"} }},
		{"non-ASCII address", func(r *ForwardRequest) { r.From = "zoë@example.com" }},
		{"quote in TransactionID", func(r *ForwardRequest) { r.TransactionID = `a"b` }},
		{"space in MessageID", func(r *ForwardRequest) { r.MessageID = "a b" }},
		{"Ack without Originator-System", func(r *ForwardRequest) { r.AckRequest = true }},
		{"invalid UTF-8 text", func(r *ForwardRequest) { r.Text = "\xff" }},
		{"unfoldable subject word", func(r *ForwardRequest) { r.Subject = strings.Repeat("a", 901) }},
		{"bad content type", func(r *ForwardRequest) { r.Files = []File{{Name: "a", ContentType: "image/"}} }},
		{"multipart file", func(r *ForwardRequest) { r.Files = []File{{Name: "a", ContentType: "multipart/mixed; boundary=x"}} }},
		{"line break in a content type", func(r *ForwardRequest) {
			r.Files = []File{{Name: "a", ContentType: "image/gif; x=\"a\r\nBcc: y\""}}
		}},
		{"SMIL file", func(r *ForwardRequest) { r.Files = []File{{Name: "own.smil", Data: []byte("<smil/>")}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok()
			tt.change(&r)
			if raw, err := Build(r); err == nil {
				t.Errorf("Build succeeded:\n%s", raw)
			}
		})
	}
	if _, err := Build(ok()); err != nil {
		t.Errorf("baseline request refused: %v", err)
	}
}

// TestGuessType: MMS media types do not depend on the host's mime.types.
func TestGuessType(t *testing.T) {
	for name, want := range map[string]string{
		"a.smil": "application/smil",
		"a.amr":  "audio/amr",
		"a.3gp":  "video/3gpp",
		"a.3g2":  "video/3gpp2",
		"A.JPG":  "image/jpeg",
		"a.txt":  "text/plain",
		"a.vcf":  "text/x-vcard",
		"a.pdf":  "application/pdf", // from mime.TypeByExtension's built-in table
		"a.zzz9": "application/octet-stream",
		"noext":  "application/octet-stream",
	} {
		if got := guessType(name); got != want {
			t.Errorf("guessType(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestSafeName: names become safe, short and unique.
func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"photo.jpg":                       "photo.jpg",
		"photo café.jpg":                  "photo_caf_.jpg",
		`C:\Users\me\a.png`:               "a.png",
		"../../etc/passwd":                "passwd",
		"a\"b<c>.gif":                     "a_b_c_.gif",
		strings.Repeat("x", 80) + ".jpeg": strings.Repeat("x", 59) + ".jpeg",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	used := map[string]bool{}
	for _, want := range []string{"a.gif", "a-2.gif", "a-3.gif"} {
		if got := uniqueName("a.gif", used); got != want {
			t.Errorf("uniqueName = %q, want %q", got, want)
		}
	}
}
