package mm4

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// addCorpus seeds a fuzz test with every mail of testdata, including the
// §12 examples, and a few variants of the examples that reach the
// tolerance paths.
func addCorpus(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
	}
	dr, _ := os.ReadFile(filepath.Join("testdata", "mm4-12-3.eml"))
	f.Add(edit(dr, "X-Mms-Message-Type: mm4_delivery_REPORT.req", "X-Mms-MM-Status-Code: Unrecognized",
		"X-Mms-MM-Status-Extension: rejection-by-other-rs", "-X-Mms-Originator-System", "X-Mms-Status-Text: =?utf-8?b?4pyT?="))
	f.Add(edit(dr, "-X-Mms-Transaction-ID", "-From"))
}

// FuzzParseAny: no input makes ParseAny panic; a failure is a permanent
// one-line error; a success has its mandatory fields, agrees with Parse,
// and builds back (when a builder accepts it) to a mail that reads the same.
func FuzzParseAny(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		raw := bytes.Clone(input)
		pdu, err := ParseAny(raw, now)
		_, perr := Parse(bytes.Clone(input), now)
		if err != nil {
			var p recoveredPanic
			if errors.As(err, &p) {
				t.Fatalf("ParseAny panicked: %v", p.value)
			}
			checkReplyable(t, err)
			if !errors.Is(err, ErrUnsupportedType) && (perr == nil || perr.Error() != err.Error()) &&
				!errors.Is(perr, ErrUnsupportedType) {
				t.Errorf("ParseAny: %v; Parse: %v", err, perr)
			}
			return
		}
		if (pdu.Type == TypeForwardReq) != (perr == nil) {
			t.Errorf("type %s, Parse error %v", pdu.Type, perr)
		}
		switch pdu.Type {
		case TypeForwardReq:
			if pdu.Forward == nil || pdu.Response != nil || pdu.DeliveryReport != nil || pdu.ReadReport != nil || pdu.ForwardCounter < 0 {
				t.Fatalf("forward PDU %+v", pdu)
			}
		case TypeForwardRes, TypeDeliveryReportRes, TypeReadReplyReportRes:
			r := pdu.Response
			if r == nil || pdu.Forward != nil || pdu.DeliveryReport != nil || pdu.ReadReport != nil || r.Type != pdu.Type {
				t.Fatalf("response PDU %+v", pdu)
			}
			if r.TransactionID == "" || r.Status == "" {
				t.Errorf("response without mandatory fields: %+v", r)
			}
			checkClean(t, *r)
			if again, err := BuildResponse(*r); err == nil {
				sameAfterBuild(t, again, pdu)
			}
		case TypeDeliveryReportReq:
			r := pdu.DeliveryReport
			if r == nil || pdu.Forward != nil || pdu.Response != nil || pdu.ReadReport != nil {
				t.Fatalf("delivery report PDU %+v", pdu)
			}
			if r.TransactionID == "" || r.MessageID == "" || r.From == "" || r.To == "" || r.MMStatus == "" {
				t.Errorf("delivery report without mandatory fields: %+v", r)
			}
			checkClean(t, *r)
			if again, err := BuildDeliveryReport(*r); err == nil {
				sameAfterBuild(t, again, pdu)
			}
		case TypeReadReplyReportReq:
			r := pdu.ReadReport
			if r == nil || pdu.Forward != nil || pdu.Response != nil || pdu.DeliveryReport != nil {
				t.Fatalf("read report PDU %+v", pdu)
			}
			if r.TransactionID == "" || r.MessageID == "" || r.From == "" || r.To == "" || r.ReadStatus == "" {
				t.Errorf("read report without mandatory fields: %+v", r)
			}
			checkClean(t, *r)
			if again, err := BuildReadReport(*r); err == nil {
				sameAfterBuild(t, again, pdu)
			}
		default:
			t.Fatalf("Type %q", pdu.Type)
		}
	})
}

// checkClean: no string of a parsed report or response can break a
// header line or a log line.
func checkClean(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumField(); i++ {
		if s, ok := rv.Field(i).Interface().(string); ok && hasControl(s) {
			t.Errorf("%s = %q has a control character", rv.Type().Field(i).Name, s)
		}
	}
}

// sameAfterBuild: a parsed PDU, built again, parses to itself. A zero Date
// is written as now, so it is taken from what came back.
func sameAfterBuild(t *testing.T, raw []byte, want *PDU) {
	t.Helper()
	checkSendable(t, raw)
	got, err := ParseAny(raw, now)
	if err != nil {
		t.Fatalf("ParseAny(build): %v\n%s", err, raw)
	}
	if got.Type != want.Type {
		t.Fatalf("type %s came back as %s", want.Type, got.Type)
	}
	w := *want
	switch {
	case w.Response != nil:
		r := *w.Response
		if r.Date.IsZero() {
			r.Date = got.Response.Date
		}
		w.Response = &r
	case w.DeliveryReport != nil:
		r := *w.DeliveryReport
		if r.Date.IsZero() {
			r.Date = got.DeliveryReport.Date
		}
		w.DeliveryReport = &r
	case w.ReadReport != nil:
		r := *w.ReadReport
		if r.Date.IsZero() {
			r.Date = got.ReadReport.Date
		}
		w.ReadReport = &r
	}
	comparePDU(t, got, &w)
}

// FuzzResponseRoundTrip: whatever BuildResponse accepts, ParseAny reads
// back field for field.
func FuzzResponseRoundTrip(f *testing.F) {
	f.Add(uint8(0), "A-20250304-000017", "A-7f3a9c@mms.mnc001.mcc001.gprs", "Ok", "Message accepted",
		"system-user@mms.mnc002.mcc001.gprs", "system-user@mms.mnc001.mcc001.gprs", int64(1741083301), int32(0))
	f.Add(uint8(2), "B 1", "", "error-service-denied", "Grüße  =?x?= ", `"B" <b@b>`, "<a@a>", int64(0), int32(-3600))
	f.Fuzz(func(t *testing.T, typ uint8, tid, mid, status, text, from, to string, unix int64, zone int32) {
		r := Response{
			Type:          [...]string{TypeForwardRes, TypeDeliveryReportRes, TypeReadReplyReportRes}[typ%3],
			TransactionID: tid, MessageID: mid, Status: status, StatusText: text, From: from, To: to,
			Date: fuzzDate(unix, zone),
		}
		raw, err := BuildResponse(r)
		if err != nil {
			return // refused: fine, as long as nothing broken was written
		}
		checkWireFormLoosely(t, raw)
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Fatalf("ParseAny(BuildResponse()): %v\n%s", err, raw)
		}
		want := r
		want.Status, _ = requestStatuses.canonical(status)
		want.From, want.To = firstAddress(from), firstAddress(to)
		if r.Date.IsZero() {
			want.Date = pdu.Response.Date
		}
		comparePDU(t, pdu, &PDU{Type: r.Type, Response: &want})
	})
}

// FuzzDeliveryReportRoundTrip: whatever BuildDeliveryReport accepts,
// ParseAny reads back field for field.
func FuzzDeliveryReportRoundTrip(f *testing.F) {
	f.Add("B-20250304-004211", "A-7f3a9c@mms.mnc001.mcc001.gprs", "+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs",
		"+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs", "Retrieved", "", "", "system-user@mms.mnc002.mcc001.gprs",
		true, false, int64(1741083462), int32(0))
	f.Add("t", "m", "a", "b", "rejected", "RejectionByOtherRS", "Zoë  said no", "<s@s>", false, true, int64(-1), int32(19800))
	f.Fuzz(func(t *testing.T, tid, mid, from, to, status, ext, text, system string, ack, noUA bool, unix int64, zone int32) {
		r := DeliveryReport{
			TransactionID: tid, MessageID: mid, From: from, To: to, MMStatus: status, StatusExtension: ext,
			StatusText: text, OriginatorSystem: system, AckRequest: ack, NoForwardToOriginatorUA: noUA,
			Date: fuzzDate(unix, zone),
		}
		raw, err := BuildDeliveryReport(r)
		if err != nil {
			return
		}
		checkWireFormLoosely(t, raw)
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Fatalf("ParseAny(BuildDeliveryReport()): %v\n%s", err, raw)
		}
		want := r
		want.MMStatus, _ = mmStatuses.canonical(status)
		want.StatusExtension, _ = statusExtensions.canonical(ext)
		want.From, want.To, want.OriginatorSystem = firstAddress(from), firstAddress(to), firstAddress(system)
		if r.Date.IsZero() {
			want.Date = pdu.DeliveryReport.Date
		}
		comparePDU(t, pdu, &PDU{Type: TypeDeliveryReportReq, DeliveryReport: &want})
	})
}

// FuzzReadReportRoundTrip: whatever BuildReadReport accepts, ParseAny
// reads back field for field.
func FuzzReadReportRoundTrip(f *testing.F) {
	f.Add("B-20250304-004377", "A-7f3a9c@mms.mnc001.mcc001.gprs", "+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs",
		"+447700900123/TYPE=PLMN@mms.mnc001.mcc001.gprs", "Read", "", "system-user@mms.mnc002.mcc001.gprs", true, int64(1741083545))
	f.Add("t", "m", "a", "b", "Deleted", "gone", "s@s", false, int64(0))
	f.Fuzz(func(t *testing.T, tid, mid, from, to, status, text, system string, ack bool, unix int64) {
		r := ReadReport{
			TransactionID: tid, MessageID: mid, From: from, To: to, ReadStatus: status, StatusText: text,
			OriginatorSystem: system, AckRequest: ack, Date: fuzzDate(unix, 0),
		}
		raw, err := BuildReadReport(r)
		if err != nil {
			return
		}
		checkWireFormLoosely(t, raw)
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Fatalf("ParseAny(BuildReadReport()): %v\n%s", err, raw)
		}
		want := r
		want.ReadStatus, _ = readStatuses.canonical(status)
		want.From, want.To, want.OriginatorSystem = firstAddress(from), firstAddress(to), firstAddress(system)
		if r.Date.IsZero() {
			want.Date = pdu.ReadReport.Date
		}
		comparePDU(t, pdu, &PDU{Type: TypeReadReplyReportReq, ReadReport: &want})
	})
}

// fuzzDate makes a date from seconds and a zone offset; 0 seconds is the
// zero time, which the builders write as now.
func fuzzDate(unix int64, zone int32) time.Time {
	if unix == 0 {
		return time.Time{}
	}
	return time.Unix(unix, 0).In(time.FixedZone("", int(zone)))
}

// checkWireFormLoosely: what the builders promise for a mail without
// content: CRLF only, and lines within 998 octets.
func checkWireFormLoosely(t *testing.T, raw []byte) {
	t.Helper()
	checkSendable(t, raw)
	if !bytes.HasSuffix(raw, []byte("\r\n\r\n")) || bytes.Count(raw, []byte("\r\n\r\n")) != 1 {
		t.Errorf("not one header block without a body:\n%q", raw)
	}
}

// FuzzForwardRoundTrip: whatever Parse reads, BuildForward writes so that
// Parse reads the same parts again, byte for byte, and the same subject.
// Values that Parse itself decodes twice when sent plainly (an RFC 2047
// lookalike inside a parameter, a quoted Content-Location) are compared
// only for their data.
func FuzzForwardRoundTrip(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		m1, err := Parse(bytes.Clone(input), now)
		if err != nil {
			return
		}
		raw, err := BuildForward(m1, forwardOf(m1))
		if err != nil {
			t.Skip(err) // an address or ID the builder refuses to send
		}
		checkSendable(t, raw)
		m2, err := Parse(raw, now)
		if err != nil {
			t.Fatalf("Parse(BuildForward()): %v\n%s", err, raw)
		}
		if m2.Subject != m1.Subject {
			t.Errorf("subject %q came back as %q", m1.Subject, m2.Subject)
		}
		if len(m2.Parts) != len(m1.Parts) {
			t.Fatalf("%d parts came back as %d", len(m1.Parts), len(m2.Parts))
		}
		for i, p := range m1.Parts {
			q := m2.Parts[i]
			if !bytes.Equal(p.Data, q.Data) {
				t.Errorf("part %d: data %q came back as %q", i+1, p.Data, q.Data)
			}
			if twiceDecoded(p.ContentType) || twiceDecoded(p.Name) || twiceDecoded(p.ContentLocation) || starredParam(p.ContentType) {
				continue
			}
			if p.ContentType != q.ContentType || p.Name != q.Name || p.ContentLocation != q.ContentLocation || p.ContentID != q.ContentID {
				t.Errorf("part %d: %q %q %q %q came back as %q %q %q %q", i+1,
					p.ContentType, p.Name, p.ContentLocation, p.ContentID, q.ContentType, q.Name, q.ContentLocation, q.ContentID)
			}
		}
	})
}

// starredParam reports a parameter name with "*", which BuildForward
// drops: RFC 2231 readers take it for a piece of another parameter. A
// name runs from a ";" to its "=", both outside quoted strings; a part's
// content type as Parse writes it has no quotes in a name.
func starredParam(contentType string) bool {
	inName, quoted := false, false
	for i := 0; i < len(contentType); i++ {
		switch c := contentType[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			inName = true
		case c == '=':
			inName = false
		case c == '*' && inName:
			return true
		}
	}
	return false
}

// twiceDecoded reports a value Parse would decode again on the second
// reading: an RFC 2047 lookalike, or quotes around the whole.
func twiceDecoded(s string) bool {
	return strings.Contains(s, "=?") || len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"'
}
