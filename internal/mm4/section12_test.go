package mm4

import (
	"bytes"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// The worked examples of mm4.md §12, kept byte for byte (CRLF) in
// testdata/mm4-12-N.eml. Each test parses the example into the fields the
// text documents, builds the example back from those fields, and compares
// the result with the example: the whole mail, except the RFC 5322
// Message-ID and the multipart boundary, which are fresh in every mail.

// TestSection12_1Forward: §12.1, MM4_forward.REQ (A → B).
func TestSection12_1Forward(t *testing.T) {
	doc := readCorpus(t, "mm4-12-1.eml")
	pdu, err := ParseAny(doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if pdu.Type != TypeForwardReq || pdu.ForwardCounter != 0 || pdu.Response != nil || pdu.DeliveryReport != nil || pdu.ReadReport != nil {
		t.Fatalf("PDU %+v", pdu)
	}
	m := pdu.Forward // its fields: TestParseCorpus, mm4-12-1.eml
	if want, _ := Parse(doc, now); !reflect.DeepEqual(m, want) {
		t.Errorf("ParseAny's forward differs from Parse's")
	}
	got, err := BuildForward(m, Forward{
		From:             "+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs",
		To:               []string{"+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs"},
		TransactionID:    "A-20250304-000017",
		MessageID:        "A-7f3a9c@mms.mnc001.mcc001.gprs",
		OriginatorSystem: "system-user@mms.mnc001.mcc001.gprs",
		AckRequest:       true,
		DeliveryReport:   true,
		ReadReply:        true,
		Date:             date("2025-03-04 10:15:00 +0000"),
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSendable(t, got)
	sameMail(t, got, doc)
}

// TestSection12_2ForwardRes: §12.2, MM4_forward.RES (B → A), and the
// refusal that "differs only in the status lines".
func TestSection12_2ForwardRes(t *testing.T) {
	want := Response{
		Type:          TypeForwardRes,
		TransactionID: "A-20250304-000017",
		MessageID:     "A-7f3a9c@mms.mnc001.mcc001.gprs",
		Status:        StatusOk,
		StatusText:    "Message accepted",
		From:          "system-user@mms.mnc002.mcc001.gprs",
		To:            "system-user@mms.mnc001.mcc001.gprs",
		Date:          date("2025-03-04 10:15:01 +0000"),
	}
	doc := readCorpus(t, "mm4-12-2.eml")
	checkExample(t, doc, &PDU{Type: TypeForwardRes, Response: &want})

	got, err := BuildResponse(want)
	if err != nil {
		t.Fatal(err)
	}
	// The example carries "Content-Type: text/plain; charset=us-ascii",
	// which only restates the RFC 2045 default for a mail without
	// content; §12.4 and §12.6 leave it out, and so does BuildResponse.
	sameMail(t, got, dropLine(doc, "Content-Type: text/plain; charset=us-ascii"))

	refusal := want
	refusal.Status, refusal.StatusText = StatusErrorServiceDenied, "Recipient not served by this MMSC"
	got, err = BuildResponse(refusal)
	if err != nil {
		t.Fatal(err)
	}
	doc = dropLine(doc, "Content-Type: text/plain; charset=us-ascii")
	doc = bytes.Replace(doc, []byte("X-Mms-Request-Status-Code: Ok"), []byte("X-Mms-Request-Status-Code: Error-service-denied"), 1)
	doc = bytes.Replace(doc, []byte("X-Mms-Status-Text: Message accepted"), []byte("X-Mms-Status-Text: Recipient not served by this MMSC"), 1)
	sameMail(t, got, doc)
}

// TestSection12_3DeliveryReport: §12.3, MM4_delivery_report.REQ (B → A):
// From is the recipient, To the original sender, the Message-ID that of
// the original MM.
func TestSection12_3DeliveryReport(t *testing.T) {
	want := DeliveryReport{
		TransactionID:    "B-20250304-004211",
		MessageID:        "A-7f3a9c@mms.mnc001.mcc001.gprs",
		From:             "+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs",
		To:               "+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs",
		MMStatus:         MMStatusRetrieved,
		OriginatorSystem: "system-user@mms.mnc002.mcc001.gprs",
		AckRequest:       true,
		Date:             date("2025-03-04 10:17:42 +0000"),
	}
	doc := readCorpus(t, "mm4-12-3.eml")
	checkExample(t, doc, &PDU{Type: TypeDeliveryReportReq, DeliveryReport: &want})
	got, err := BuildDeliveryReport(want)
	if err != nil {
		t.Fatal(err)
	}
	sameMail(t, got, doc)
}

// TestSection12_4DeliveryReportRes: §12.4, MM4_delivery_report.RES (A → B).
func TestSection12_4DeliveryReportRes(t *testing.T) {
	want := Response{
		Type:          TypeDeliveryReportRes,
		TransactionID: "B-20250304-004211",
		MessageID:     "A-7f3a9c@mms.mnc001.mcc001.gprs",
		Status:        StatusOk,
		From:          "system-user@mms.mnc001.mcc001.gprs",
		To:            "system-user@mms.mnc002.mcc001.gprs",
		Date:          date("2025-03-04 10:17:43 +0000"),
	}
	doc := readCorpus(t, "mm4-12-4.eml")
	checkExample(t, doc, &PDU{Type: TypeDeliveryReportRes, Response: &want})
	got, err := BuildResponse(want)
	if err != nil {
		t.Fatal(err)
	}
	sameMail(t, got, doc)
}

// TestSection12_5ReadReport: §12.5, MM4_read_reply_report.REQ (B → A).
func TestSection12_5ReadReport(t *testing.T) {
	want := ReadReport{
		TransactionID:    "B-20250304-004377",
		MessageID:        "A-7f3a9c@mms.mnc001.mcc001.gprs",
		From:             "+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs",
		To:               "+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs",
		ReadStatus:       ReadStatusRead,
		OriginatorSystem: "system-user@mms.mnc002.mcc001.gprs",
		AckRequest:       true,
		Date:             date("2025-03-04 10:19:05 +0000"),
	}
	doc := readCorpus(t, "mm4-12-5.eml")
	checkExample(t, doc, &PDU{Type: TypeReadReplyReportReq, ReadReport: &want})
	got, err := BuildReadReport(want)
	if err != nil {
		t.Fatal(err)
	}
	sameMail(t, got, doc)
}

// TestSection12_6ReadReportRes: §12.6, MM4_read_reply_report.RES (A → B),
// which carries no X-Mms-Message-ID.
func TestSection12_6ReadReportRes(t *testing.T) {
	want := Response{
		Type:          TypeReadReplyReportRes,
		TransactionID: "B-20250304-004377",
		Status:        StatusOk,
		From:          "system-user@mms.mnc001.mcc001.gprs",
		To:            "system-user@mms.mnc002.mcc001.gprs",
		Date:          date("2025-03-04 10:19:06 +0000"),
	}
	doc := readCorpus(t, "mm4-12-6.eml")
	checkExample(t, doc, &PDU{Type: TypeReadReplyReportRes, Response: &want})
	got, err := BuildResponse(want)
	if err != nil {
		t.Fatal(err)
	}
	sameMail(t, got, doc)
}

// checkExample parses a documented mail and compares every field.
func checkExample(t *testing.T, doc []byte, want *PDU) {
	t.Helper()
	got, err := ParseAny(doc, now)
	if err != nil {
		t.Fatalf("ParseAny: %v", err)
	}
	comparePDU(t, got, want)
}

// comparePDU compares two PDUs field by field, times with Equal.
func comparePDU(t *testing.T, got, want *PDU) {
	t.Helper()
	if got.Type != want.Type || got.ForwardCounter != want.ForwardCounter {
		t.Errorf("Type %q counter %d, want %q %d", got.Type, got.ForwardCounter, want.Type, want.ForwardCounter)
	}
	for _, pair := range [][2]any{
		{got.Response, want.Response},
		{got.DeliveryReport, want.DeliveryReport},
		{got.ReadReport, want.ReadReport},
	} {
		g, w := reflect.ValueOf(pair[0]), reflect.ValueOf(pair[1])
		if g.IsNil() != w.IsNil() {
			t.Errorf("%s: got %v, want %v", g.Type(), pair[0], pair[1])
			continue
		}
		if !g.IsNil() {
			compareFields(t, g.Elem(), w.Elem())
		}
	}
}

// compareFields reports each field of two structs of one type that
// differs, times compared with Equal.
func compareFields(t *testing.T, got, want reflect.Value) {
	t.Helper()
	for i := 0; i < got.NumField(); i++ {
		name := got.Type().Field(i).Name
		g, w := got.Field(i).Interface(), want.Field(i).Interface()
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
}

// checkSendable: what §11 "send strictly" asks of every mail, whatever its
// content: CRLF line ends and lines within RFC 5322's 998 octets. (Lines
// of 7bit text may exceed 76; the §12.1 SMIL does.)
func checkSendable(t *testing.T, raw []byte) {
	t.Helper()
	if !canonicalLines(raw) {
		t.Error("output has a bare CR or LF")
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
	}
}

var (
	mailIDLine = regexp.MustCompile(`(?m)^Message-ID: <([^@>]*)@([^>]*)>\r$`)
	boundaryIs = regexp.MustCompile(`boundary="([^"]+)"`)
)

// sameMail compares a built mail with a documented one byte for byte,
// after giving the built one the documented Message-ID and boundary. The
// generated Message-ID must have the documented domain.
func sameMail(t *testing.T, got, doc []byte) {
	t.Helper()
	g, d := mailIDLine.FindSubmatch(got), mailIDLine.FindSubmatch(doc)
	if g == nil || d == nil {
		t.Fatalf("Message-ID line missing: built %q, documented %q", g, d)
	}
	if !bytes.Equal(g[2], d[2]) || len(g[1]) != 26 {
		t.Errorf("Message-ID %s, want a fresh ID @%s", g[0], d[2])
	}
	got = bytes.Replace(got, g[0], d[0], 1)
	if gb, db := boundaryIs.FindSubmatch(got), boundaryIs.FindSubmatch(doc); gb != nil && db != nil {
		got = bytes.ReplaceAll(got, gb[1], db[1])
	}
	if !bytes.Equal(got, doc) {
		t.Errorf("built mail differs from the example\n--- built\n%s\n--- documented\n%s", got, doc)
	}
}

// dropLine removes one whole header line from a mail.
func dropLine(mail []byte, line string) []byte {
	return bytes.Replace(mail, []byte(line+"\r\n"), nil, 1)
}
