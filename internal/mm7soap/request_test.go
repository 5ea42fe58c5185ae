package mm7soap

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// golden reads a request of testdata: its first line is the HTTP
// Content-Type, then a blank line, then the body.
func golden(t testing.TB, name string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := bytes.Cut(b, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("%s: no blank line after the Content-Type", name)
	}
	return strings.TrimPrefix(string(head), "Content-Type: "), body
}

const (
	ns5 = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-3"
	ns6 = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
)

// TestReadDialects: every dialect of testdata reads to the same words
// (mm7.md §2): elements by local name, the request's namespace and version
// kept for the answer.
func TestReadDialects(t *testing.T) {
	tests := []struct {
		file, ns, version, op string
		check                 func(t *testing.T, r *Request)
	}{
		{"rel6-6.8.0.mm7", ns6, "6.8.0", "SubmitReq", func(t *testing.T, r *Request) {
			s := r.Submit
			if s.VASPID != "news" || s.VASID != "daily" || *s.Sender != (Address{Kind: ShortCode, Value: "12345"}) ||
				len(s.To) != 1 || s.To[0].Value != "+447778889999" || s.Cc[0] != (Address{Kind: RFC2822Address, Value: "bob@example.com"}) ||
				s.Bcc[0].Value != "447778880000" || s.ServiceCode != "news-1" || s.LinkedID != "link-7" ||
				s.MessageClass != "Informational" || !s.TimeStamp.Equal(time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)) ||
				s.EarliestDelivery.After != 2*time.Hour || s.Expiry.After != 48*time.Hour || !s.DeliveryReport || s.ReadReply ||
				s.Priority != "High" || s.Subject != "News for today" || s.ChargedParty != "Sender" ||
				s.DistributionIndicator == nil || *s.DistributionIndicator || s.AllowAdaptations == nil || !*s.AllowAdaptations {
				t.Errorf("submit %+v", s)
			}
			if !strings.HasPrefix(r.ContentType, "multipart/related") || len(r.Parts) != 3 ||
				!bytes.HasPrefix(r.Parts[1].Data, []byte("GIF89a")) || r.Parts[1].ContentID != "<pic>" {
				t.Errorf("content %s, %d parts", r.ContentType, len(r.Parts))
			}
		}},
		{"rel5-5.3.0-prefixed.mm7", ns5, "5.3.0", "SubmitReq", func(t *testing.T, r *Request) {
			s := r.Submit
			if *s.Sender != (Address{Kind: Number, Value: "+447700900001"}) || len(s.To) != 2 || !s.To[1].DisplayOnly ||
				!s.Expiry.At.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) || !s.DeliveryReport || len(r.Parts) != 3 {
				t.Errorf("submit %+v, %d parts", s, len(r.Parts))
			}
		}},
		{"mixed-namespaces-no-start.mm7", ns5, "6.3.0", "SubmitReq", func(t *testing.T, r *Request) {
			if len(r.Parts) != 1 || string(r.Parts[0].Data) != "Hello from the VASP" || r.Submit.Subject != "Mixed" {
				t.Errorf("%d parts %q", len(r.Parts), r.Parts)
			}
		}},
		{"ericsson-5.2.0.mm7", "", "5.2.0", "SubmitReq", func(t *testing.T, r *Request) {
			s := r.Submit
			if *s.Sender != (Address{Kind: Number, Value: "12345"}) || len(s.To) != 2 ||
				s.To[1] != (Address{Kind: RFC2822Address, Value: "alice@example.com"}) || s.VASPID != "erics" {
				t.Errorf("submit %+v", s)
			}
		}},
		{"cancel-text-xml.mm7", ns6, "6.8.0", "CancelReq", func(t *testing.T, r *Request) {
			if r.Cancel.MessageID != "06h1c1j1mchqz96kx9faz78874" {
				t.Errorf("cancel %+v", r.Cancel)
			}
		}},
	}
	for _, tt := range tests {
		ct, body := golden(t, tt.file)
		r, err := Read(ct, body)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		wantNS := tt.ns
		if wantNS == "" { // no namespace on the body: the header's
			wantNS = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-0"
		}
		if r.Namespace != wantNS || r.Version != tt.version || r.Op != tt.op || r.TransactionID != "vasp-0001" {
			t.Errorf("%s: %s %s %s %q", tt.file, r.Namespace, r.Version, r.Op, r.TransactionID)
			continue
		}
		tt.check(t, r)
	}
}

// TestReadRefuses: what is not valid MM7 gets the status mm7.md §4 gives.
func TestReadRefuses(t *testing.T) {
	envelope := func(op string) string {
		return `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header>` +
			`<TransactionID>t1</TransactionID></env:Header><env:Body>` + op + `</env:Body></env:Envelope>`
	}
	tests := []struct {
		name, ct, body string
		code           int
		details        string
	}{
		{"not XML", "text/xml", "<env:Envelope", ValidationError, "not well-formed"},
		{"not SOAP", "text/xml", "<html/>", ValidationError, "not a SOAP Envelope"},
		{"no operation", "text/xml", envelope(""), ValidationError, "holds no operation"},
		{"unknown operation", "text/xml", envelope("<FooReq><MM7Version>6.8.0</MM7Version></FooReq>"), UnsupportedOperation, "FooReq"},
		{"an MMSC's own operation", "text/xml", envelope("<DeliverReq><MM7Version>6.8.0</MM7Version></DeliverReq>"), UnsupportedOperation, "DeliverReq"},
		{"version 7", "text/xml", envelope("<CancelReq><MM7Version>7.0.0</MM7Version><MessageID>m</MessageID></CancelReq>"), UnsupportedVersion, "7.0.0"},
		{"version 5.0", "text/xml", envelope("<CancelReq><MM7Version>5.0.0</MM7Version><MessageID>m</MessageID></CancelReq>"), UnsupportedVersion, "5.0.0"},
		{"no recipients", "text/xml", envelope("<SubmitReq><MM7Version>6.8.0</MM7Version><Content href=\"cid:x\"/></SubmitReq>"), ValidationError, "Recipients is missing"},
		{"no content", "text/xml", envelope("<SubmitReq><MM7Version>6.8.0</MM7Version><Recipients><To><Number>1234</Number></To></Recipients></SubmitReq>"), ValidationError, "Content is missing"},
		{"content not attached", "text/xml", envelope("<SubmitReq><MM7Version>6.8.0</MM7Version><Recipients><To><Number>1234</Number></To></Recipients><Content href=\"cid:x\"/></SubmitReq>"), ValidationError, "names no part"},
		{"bad expiry", "text/xml", envelope("<SubmitReq><MM7Version>6.8.0</MM7Version><Recipients><To><Number>1234</Number></To></Recipients><ExpiryDate>tomorrow</ExpiryDate><Content href=\"cid:x\"/></SubmitReq>"), ValidationError, "ExpiryDate"},
		{"no transaction", "text/xml", `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><CancelReq><MM7Version>6.8.0</MM7Version></CancelReq></env:Body></env:Envelope>`, ValidationError, "TransactionID"},
		{"JSON", "application/json", "{}", ValidationError, "want text/xml"},
	}
	for _, tt := range tests {
		_, err := Read(tt.ct, []byte(tt.body))
		var e *Error
		if !errors.As(err, &e) || e.Code != tt.code || !strings.Contains(e.Details, tt.details) {
			t.Errorf("%s: %v, want %d with %q", tt.name, err, tt.code, tt.details)
		}
	}
}

func TestDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{"P1D": 24 * time.Hour, "PT2H30M": 150 * time.Minute, "P1DT1S": 24*time.Hour + time.Second,
		"P2W": 14 * 24 * time.Hour, "PT0.5S": 500 * time.Millisecond} {
		if got, err := duration(s); err != nil || got != want {
			t.Errorf("duration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"P", "PT", "1D", "P1H", "PT1D", "P-1D", "PxD"} {
		if _, err := duration(s); err == nil {
			t.Errorf("duration(%q) read", s)
		}
	}
}

// TestResponsesAreWellFormed: every answer parses back, in the request's
// namespace and version with its TransactionID, and xmllint finds it
// well-formed.
func TestResponsesAreWellFormed(t *testing.T) {
	ct, body := golden(t, "rel5-5.3.0-prefixed.mm7")
	r, err := Read(ct, body)
	if err != nil {
		t.Fatal(err)
	}
	rsp := ResponseTo(r, Status{Code: Success})
	rsp.MessageID = "06h1c1j1mchqz96kx9faz78874"
	docs := map[string][]byte{
		"SubmitRsp": rsp.XML(),
		"Fault":     Fault(r.Namespace, r.Version, Status{Code: ValidationError, Details: "SubmitReq: <Recipients> & co"}),
		"escaped":   ResponseTo(r, Status{Code: AddressError, Details: "bad \x01 < > & \xff"}).XML(),
	}
	back, err := parseXML(docs["SubmitRsp"])
	if err != nil {
		t.Fatal(err)
	}
	op := back.child("Body").child("SubmitRsp")
	if op == nil || op.space != ns5 || op.value("MM7Version") != "5.3.0" || op.child("Status").value("StatusCode") != "1000" ||
		back.child("Header").value("TransactionID") != "vasp-0001" || op.value("MessageID") != rsp.MessageID {
		t.Errorf("SubmitRsp reads back as %s", docs["SubmitRsp"])
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian libxml2-utils; .ci/run installs it): responses not checked by it")
	}
	for name, doc := range docs {
		f := filepath.Join(t.TempDir(), name+".xml")
		os.WriteFile(f, doc, 0o600)
		if out, err := exec.Command(xmllint, "--noout", f).CombinedOutput(); err != nil {
			t.Errorf("xmllint %s: %v\n%s\n%s", name, err, out, doc)
		}
	}
}

// FuzzRead: no request makes Read panic; what it refuses it refuses with
// an MM7 status; what it reads has an operation and a version.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.mm7"))
	for _, name := range files {
		ct, body := golden(f, filepath.Base(name))
		f.Add(ct, body)
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r, err := Read(ct, body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code < 2000 || e.Code > 4999 {
				t.Fatalf("error %v has no MM7 status", err)
			}
			return
		}
		if r.Op == "" || r.Version == "" || r.TransactionID == "" {
			t.Fatalf("read %+v", r)
		}
		ResponseTo(r, Status{Code: Success}).XML()
	})
}

// TestOutgoing: the requests we send are in the VASP's own namespace and
// version, well-formed, and read back; their answers' status is read from
// a …Rsp or from a Fault.
func TestOutgoing(t *testing.T) {
	at := time.Date(2026, 12, 5, 10, 1, 2, 0, time.UTC)
	docs := map[string][]byte{
		"rel5": DeliveryReport{Version: "5.3.0", TransactionID: "mmsc-1", MessageID: "m1", Recipient: Address{Kind: Number, Value: "+447778889999"},
			Sender: Address{Kind: ShortCode, Value: "12345"}, Date: at, MMStatus: "Retrieved", StatusText: "retrieved <by the handset>"}.XML(),
		"rel6": ReadReply{TransactionID: "mmsc-2", MessageID: "m1", Recipient: Address{Kind: Number, Value: "+447778889999"},
			Sender: Address{Kind: ShortCode, Value: "12345"}, TimeStamp: at, MMStatus: "Read"}.XML(),
	}
	for name, doc := range docs {
		n, err := parseXML(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		op := n.child("Body").first()
		wantNS := map[string]string{"rel5": ns5, "rel6": ns6}[name]
		if op.space != wantNS || n.child("Header").child("TransactionID").space != wantNS ||
			op.child("Recipient").value("Number") != "+447778889999" || op.value("MessageID") != "m1" {
			t.Errorf("%s: %s", name, doc)
		}
	}
	if !bytes.Contains(docs["rel5"], []byte("<Date>2026-12-05T10:01:02Z</Date>")) || !bytes.Contains(docs["rel5"], []byte("&lt;by the handset&gt;")) {
		t.Errorf("rel5: %s", docs["rel5"])
	}
	rsp := Response{Namespace: ns5, Version: "5.3.0", TransactionID: "x", Op: "DeliveryReportRsp", Status: Status{Code: Success}}.XML()
	if st, err := ReadStatus(rsp); err != nil || st.Code != Success {
		t.Errorf("a …Rsp: %+v %v", st, err)
	}
	if st, err := ReadStatus(Fault(ns6, "6.8.0", Status{Code: ServiceUnavailable, Details: "busy"})); err != nil || st.Code != ServiceUnavailable || st.Details != "busy" {
		t.Errorf("a fault: %+v %v", st, err)
	}
	if _, err := ReadStatus([]byte("<html>busy</html>")); err == nil {
		t.Error("an answer without a status was read")
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian libxml2-utils; .ci/run installs it)")
	}
	for name, doc := range docs {
		f := filepath.Join(t.TempDir(), name+".xml")
		os.WriteFile(f, doc, 0o600)
		if out, err := exec.Command(xmllint, "--noout", f).CombinedOutput(); err != nil {
			t.Errorf("xmllint %s: %v\n%s", name, err, out)
		}
	}
}

// TestDeliverRequest: a DeliverReq's multipart reads back with an
// independent parser (Go's mime/multipart): the SOAP root, and the content
// with every part byte for byte.
func TestDeliverRequest(t *testing.T) {
	img := bytes.Repeat([]byte{0xff, 0xd8, '\r', '\n', 0x00}, 3000)
	d := Deliver{Version: "6.8.0", TransactionID: "mmsc-9", LinkedID: "06h1c1j1", Sender: Address{Kind: Number, Value: "+447700900123"},
		Recipients: []Address{{Kind: ShortCode, Value: "12345"}}, Subject: "Vote <B>",
		ContentType: `multipart/related; start="<smil>"; type="application/smil"`,
		Parts: []mms.Part{{ContentType: "application/smil", ContentID: "<smil>", Data: []byte("<smil/>")},
			{ContentType: "image/jpeg", ContentID: "<img>", ContentLocation: "IMG_1.jpg", Data: img}}}
	ct, body, err := d.Request()
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil || params["start"] != "<soap>" {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	soap, err := r.NextPart()
	if err != nil || soap.Header.Get("Content-Id") != "<soap>" {
		t.Fatalf("root part: %v", err)
	}
	xml, _ := io.ReadAll(soap)
	for _, want := range []string{"<DeliverReq", "<LinkedID>06h1c1j1</LinkedID>", "<Sender><Number>+447700900123</Number></Sender>",
		"<Recipients><To><ShortCode>12345</ShortCode></To></Recipients>", "<Subject>Vote &lt;B&gt;</Subject>", `href="cid:content"`} {
		if !bytes.Contains(xml, []byte(want)) {
			t.Errorf("SOAP part lacks %q:\n%s", want, xml)
		}
	}
	content, err := r.NextPart()
	if err != nil || content.Header.Get("Content-Id") != "<content>" {
		t.Fatalf("content part: %v", err)
	}
	_, cparams, _ := mime.ParseMediaType(content.Header.Get("Content-Type"))
	if cparams["start"] != "<smil>" {
		t.Errorf("content type %q lost its start", content.Header.Get("Content-Type"))
	}
	inner := multipart.NewReader(content, cparams["boundary"])
	for i, want := range d.Parts {
		p, err := inner.NextPart()
		if err != nil {
			t.Fatalf("inner part %d: %v", i, err)
		}
		data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if !bytes.Equal(data, want.Data) || p.Header.Get("Content-Id") != want.ContentID {
			t.Errorf("inner part %d: %d octets %s, want %d %s", i, len(data), p.Header.Get("Content-Id"), len(want.Data), want.ContentID)
		}
	}
}

// FuzzReadStatus: a VASP's answer, whatever it is, never makes ReadStatus
// panic; a status it reads has a code it could parse.
func FuzzReadStatus(f *testing.F) {
	f.Add(Response{Namespace: ns5, Version: "5.3.0", TransactionID: "x", Op: "DeliverRsp", Status: Status{Code: Success}}.XML())
	f.Add(Fault(ns6, "6.8.0", Status{Code: ServiceUnavailable, Details: "busy"}))
	f.Add([]byte("<html>busy</html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ReadStatus(b)
		if err == nil && st.Code == 0 && !bytes.Contains(b, []byte("StatusCode")) {
			t.Fatalf("a status %+v from an answer without one", st)
		}
	})
}
