package mmsenc

import (
	"bytes"
	"testing"
)

// The worked examples of mms-encoding.md §13, byte for byte: what the MMSC
// emits must come out exactly as listed, and everything listed must decode
// to the fields its comments name.
var goldens = []struct {
	file string
	pdu  *PDU
}{
	{"retrieve-conf.hex", exampleRetrieveConf()},
	{"send-req.hex", exampleSendReq()},
	{"notifyresp-ind.hex", &PDU{Type: NotifyRespInd, TransactionID: "T0001", Version: Version12, Status: StatusRetrieved, ReportAllowed: ptr(true)}},
	{"acknowledge-ind.hex", &PDU{Type: AcknowledgeInd, TransactionID: "T0001", Version: Version12, ReportAllowed: ptr(true)}},
	{"send-conf-ok.hex", &PDU{Type: SendConf, TransactionID: "S1", Version: Version12, ResponseStatus: ResponseOk, MessageID: "148478240@mmsc.hub"}},
	{"send-conf-error.hex", &PDU{Type: SendConf, TransactionID: "S1", Version: Version12, ResponseStatus: ResponseErrorPermanentAddressUnresolved, ResponseText: "Unknown recipient"}},
	{"delivery-ind.hex", &PDU{Type: DeliveryInd, Version: Version12, MessageID: "148478240@mmsc.hub", To: []string{recipient}, Date: exampleDate.Add(60e9), Status: StatusRetrieved}},
	{"read-rec-ind.hex", &PDU{Type: ReadRecInd, Version: Version12, MessageID: "148478240@mmsc.hub", To: []string{sender}, FromInsert: true, ReadStatus: ReadStatusRead}},
	{"read-orig-ind.hex", &PDU{Type: ReadOrigInd, Version: Version12, MessageID: "148478240@mmsc.hub", To: []string{sender}, From: recipient, Date: exampleDate.Add(120e9), ReadStatus: ReadStatusRead}},
}

func TestGoldenEncode(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			want := readHex(t, g.file)
			got, err := Encode(g.pdu)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Encode:\n got % x\nwant % x", got, want)
			}
		})
	}
}

func TestGoldenDecode(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			got, err := Decode(readHex(t, g.file))
			if err != nil {
				t.Fatal(err)
			}
			samePDU(t, got, g.pdu)
		})
	}
}

// The retrieve-conf example spelled out field by field, the way its
// annotated listing reads, so that a wrong example PDU cannot hide a wrong
// decoder.
func TestRetrieveConfExampleFields(t *testing.T) {
	p, err := Decode(readHex(t, "retrieve-conf.hex"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"type", p.Type.String(), "m-retrieve-conf"},
		{"transaction id", p.TransactionID, "T0001"},
		{"message id", p.MessageID, "148478240@mmsc.hub"},
		{"date", p.Date.Format("2006-01-02T15:04:05Z07:00"), "2007-05-08T09:18:32Z"},
		{"from", p.From, "+447700900123/TYPE=PLMN"},
		{"to", p.To[0], "+447700900456/TYPE=PLMN"},
		{"subject", p.Subject, "News for today"},
		{"class", p.MessageClass, "Personal"},
		{"priority", p.Priority, "Normal"},
		{"content type", p.ContentType, `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`},
		{"part 1 type", p.Parts[0].ContentType, "application/smil"},
		{"part 1 location", p.Parts[0].ContentLocation, "smil.smil"},
		{"part 1 id", p.Parts[0].ContentID, "<smil>"},
		{"part 1 data", string(p.Parts[0].Data), exampleSMIL},
		{"part 2 type", p.Parts[1].ContentType, "text/plain; charset=utf-8"},
		{"part 2 location", p.Parts[1].ContentLocation, "text.txt"},
		{"part 2 id", p.Parts[1].ContentID, "<text>"},
		{"part 2 data", string(p.Parts[1].Data), exampleText},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if p.Version != 0x92 || len(p.Parts) != 2 || len(p.Unknown) != 0 {
		t.Errorf("version 0x%02X, %d parts, unknown %v", p.Version, len(p.Parts), p.Unknown)
	}
}

// The notification travels inside the WSP Push of §8 as "01 06 03 BE AF 84".
func TestGoldenNotificationPush(t *testing.T) {
	want := readHex(t, "notification-push.hex")
	pdu, err := Encode(exampleNotification())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Push(0x01, MediaMMS, AppIDMMS, pdu)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Push(Encode(notification)):\n got % x\nwant % x", got, want)
	}
	if len(want) != 109 {
		t.Errorf("the example is %d octets, §13 says 109", len(want))
	}

	tid, ct, app, body, err := ParsePush(want)
	if err != nil {
		t.Fatal(err)
	}
	if tid != 0x01 || ct != MediaMMS || app != AppIDMMS || !bytes.Equal(body, want[6:]) {
		t.Errorf("ParsePush = %#x %q %q body at %d", tid, ct, app, len(want)-len(body))
	}
	p, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	samePDU(t, p, exampleNotification())
}

// The SI push of §13 is Push around an opaque WBXML body.
func TestGoldenSIPush(t *testing.T) {
	want := readHex(t, "si-push.hex")
	wbxml := want[4:]
	got, err := Push(0x02, "application/vnd.wap.sic", "", wbxml)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Push(SI):\n got % x\nwant % x", got, want)
	}
	tid, ct, app, body, err := ParsePush(want)
	if err != nil || tid != 2 || ct != "application/vnd.wap.sic" || app != "" || !bytes.Equal(body, wbxml) {
		t.Errorf("ParsePush = %#x %q %q %d octets, %v", tid, ct, app, len(body), err)
	}
}

// §9 and §10: the 109-octet push fits one SMS whose user data is the
// short_message of the SMPP example (116 octets, UDH 06 05 04 0B 84 23 F0).
func TestGoldenSingleSMS(t *testing.T) {
	push := readHex(t, "notification-push.hex")
	smpp := readHex(t, "smpp-submit-sm.hex")
	if smpp[56] != 116 {
		t.Fatalf("sm_length %d in the example", smpp[56])
	}
	want := smpp[57:]
	segs := SMSSegments(push, 0x42)
	if len(segs) != 1 || !bytes.Equal(segs[0], want) {
		t.Fatalf("SMSSegments = % x\nwant [% x]", segs, want)
	}
	back, err := ReassembleSMS(segs)
	if err != nil || !bytes.Equal(back, push) {
		t.Errorf("ReassembleSMS = % x, %v", back, err)
	}
}

// §9: a 177-octet push needs two SMS, 128 and 49 octets behind
// "0b 05 04 0b 84 23 f0 00 03 42 02 0n".
func TestGoldenTwoSMS(t *testing.T) {
	n := exampleNotification()
	n.ContentLocation += "/" + string(bytes.Repeat([]byte("x"), 67))
	pdu, err := Encode(n)
	if err != nil {
		t.Fatal(err)
	}
	push, err := Push(0x01, MediaMMS, AppIDMMS, pdu)
	if err != nil {
		t.Fatal(err)
	}
	if len(push) != 177 {
		t.Fatalf("push of %d octets, want 177", len(push))
	}
	segs := SMSSegments(push, 0x42)
	if len(segs) != 2 {
		t.Fatalf("%d segments", len(segs))
	}
	wantUDH := [][]byte{
		mustHex(t, "0b 05 04 0b 84 23 f0 00 03 42 02 01"),
		mustHex(t, "0b 05 04 0b 84 23 f0 00 03 42 02 02"),
	}
	wantLen := []int{128, 49}
	for i, seg := range segs {
		if !bytes.HasPrefix(seg, wantUDH[i]) || len(seg)-12 != wantLen[i] {
			t.Errorf("segment %d: % x (%d octets of push)", i+1, seg[:12], len(seg)-12)
		}
	}
	if !bytes.HasPrefix(segs[0][12:], mustHex(t, "01 06 03 be af 84 8c 82")) {
		t.Errorf("segment 1 payload starts % x", segs[0][12:20])
	}
}

// The send-req of §13 is described, not listed: check the reconstruction
// in testdata against the description.
func TestSendReqExampleIsAsDescribed(t *testing.T) {
	b := readHex(t, "send-req.hex")
	rc := readHex(t, "retrieve-conf.hex")
	if len(b) != 277 || !bytes.Equal(b[len(b)-202:], rc[len(rc)-202:]) || !bytes.HasPrefix(rc[len(rc)-202:], []byte{0x84, 0x1b, 0xb3}) {
		t.Fatalf("send-req.hex is %d octets or does not end with the retrieve-conf's body", len(b))
	}
	for _, piece := range []string{"8c 80", "98 53 31 00", "8d 92", "89 01 81", "97 19 ea", "97 11 ea", "96 04 ea 48 69 00", "88 06 80 04 46 41 91 e8", "86 80", "90 80"} {
		if !bytes.Contains(b, mustHex(t, piece)) {
			t.Errorf("send-req.hex lacks %s", piece)
		}
	}
}
