package mmsenc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mmsenc/tsharktest"
)

// The tshark oracle (mms-encoding.md §14): Wireshark's wsp, mmse and gsm_sms
// dissectors were written independently of this package, so every field
// they decode from our bytes must be the field we encoded. tshark does not
// validate (§14.6), so the comparison is of exact values, field by field,
// with an absent field expected absent; the malformed-packet filter is only
// an extra check.

func requireTshark(t *testing.T) string { return tsharktest.Require(t) }

func writePcap(t *testing.T, path string, frames [][]byte) {
	tsharktest.WritePcap(t, path, exampleDate, frames)
}

func runTshark(t *testing.T, tshark, dissector string, frames [][]byte, fields []string) []map[string]string {
	return tsharktest.Fields(t, tshark, dissector, exampleDate, frames, fields)
}

// compare reports every field where tshark's value differs from ours.
func compare(t *testing.T, frame string, got, want map[string]string) {
	t.Helper()
	for f, w := range want {
		if g := got[f]; g != w {
			t.Errorf("%s: %s = %q, we encoded %q", frame, f, g, w)
		}
	}
}

var mmseFields = []string{
	"mmse.message_type", "mmse.transaction_id", "mmse.mms_version", "mmse.message_id", "mmse.date",
	"mmse.from", "mmse.to", "mmse.cc", "mmse.bcc", "mmse.subject", "mmse.message_class.id",
	"mmse.message_class.str", "mmse.priority", "mmse.message_size", "mmse.expiry.abs", "mmse.expiry.rel",
	"mmse.delivery_time.abs", "mmse.delivery_time.rel", "mmse.content_location", "mmse.status", "mmse.read_status", "mmse.response_status",
	"mmse.response_text", "mmse.retrieve_status", "mmse.retrieve_text", "mmse.report_allowed",
	"mmse.delivery_report", "mmse.read_report", "mmse.sender_visibility",
	"wsp.TID", "wsp.pdu_type", "wsp.header.content_type", "wsp.header.x_wap_application_id",
	"wsp.multipart", "wsp.header.content_location", "wsp.header.content_id",
	"wsp.parameter.start", "wsp.parameter.upart.type", "wsp.parameter.charset", "wsp.parameter.name",
}

func tsharkTime(t time.Time) string { return tsharktest.Time(t) }

func hexOctet(b byte) string {
	if b == 0 {
		return ""
	}
	return fmt.Sprintf("0x%02x", b)
}

func yesNo(v *bool) string {
	switch {
	case v == nil:
		return ""
	case *v:
		return "0x80"
	}
	return "0x81"
}

// expectedFields is what tshark must show for the WSP push of p.
func expectedFields(t *testing.T, p *PDU) map[string]string {
	version := p.Version
	if version == 0 {
		version = DefaultVersion
	}
	w := map[string]string{
		"mmse.message_type":               fmt.Sprintf("0x%02x", byte(p.Type)),
		"mmse.transaction_id":             p.TransactionID,
		"mmse.mms_version":                fmt.Sprintf("%d.%d", version>>4&7, version&0x0f),
		"mmse.message_id":                 p.MessageID,
		"mmse.from":                       p.From,
		"mmse.to":                         strings.Join(p.To, "|"),
		"mmse.cc":                         strings.Join(p.Cc, "|"),
		"mmse.bcc":                        strings.Join(p.Bcc, "|"),
		"mmse.subject":                    p.Subject,
		"mmse.content_location":           p.ContentLocation,
		"mmse.status":                     hexOctet(p.Status),
		"mmse.read_status":                hexOctet(p.ReadStatus),
		"mmse.response_status":            hexOctet(p.ResponseStatus),
		"mmse.response_text":              p.ResponseText,
		"mmse.retrieve_status":            hexOctet(p.RetrieveStatus),
		"mmse.retrieve_text":              p.RetrieveText,
		"mmse.sender_visibility":          hexOctet(p.SenderVisibility),
		"mmse.report_allowed":             yesNo(p.ReportAllowed),
		"mmse.delivery_report":            yesNo(p.DeliveryReport),
		"mmse.read_report":                yesNo(p.ReadReport),
		"mmse.date":                       "",
		"mmse.message_size":               "",
		"mmse.expiry.abs":                 "",
		"mmse.expiry.rel":                 "",
		"mmse.delivery_time.abs":          "",
		"mmse.delivery_time.rel":          "",
		"mmse.message_class.id":           "",
		"mmse.message_class.str":          "",
		"mmse.priority":                   "",
		"wsp.TID":                         "0x01",
		"wsp.pdu_type":                    "0x06",
		"wsp.header.x_wap_application_id": AppIDMMS,
	}
	if p.FromInsert {
		w["mmse.from"] = "<insert address>"
	}
	if !p.Date.IsZero() {
		w["mmse.date"] = tsharkTime(p.Date)
	}
	if p.MessageSize != 0 {
		w["mmse.message_size"] = strconv.FormatInt(p.MessageSize, 10)
	}
	switch {
	case p.ExpiryRelative != 0:
		w["mmse.expiry.rel"] = fmt.Sprintf("%d.000000000", p.ExpiryRelative/time.Second)
	case !p.Expiry.IsZero():
		w["mmse.expiry.abs"] = tsharkTime(p.Expiry)
	}
	switch {
	case p.DeliveryTimeRelative != 0:
		w["mmse.delivery_time.rel"] = fmt.Sprintf("%d.000000000", p.DeliveryTimeRelative/time.Second)
	case !p.DeliveryTime.IsZero():
		w["mmse.delivery_time.abs"] = tsharkTime(p.DeliveryTime)
	}
	class := p.MessageClass
	if class == "" && p.Type == NotificationInd {
		class = "Personal"
	}
	for i, name := range messageClasses {
		if class == name {
			w["mmse.message_class.id"], class = fmt.Sprintf("0x%02x", 0x80+i), ""
		}
	}
	w["mmse.message_class.str"] = class
	for i, name := range priorities {
		if p.Priority == name {
			w["mmse.priority"] = fmt.Sprintf("0x%02x", 0x80+i)
		}
	}

	// Content types: the push's, the PDU's, then each part's; tshark gives
	// the media type without parameters. Part headers and parameters are
	// listed in order of appearance.
	cts := []string{MediaMMS}
	var locations, ids, starts, types, charsets, names, numbers []string
	addParams := func(ct string) string {
		media, params, err := parseContentType(ct)
		if err != nil {
			t.Fatal(err)
		}
		for _, prm := range params {
			switch prm.name {
			case "start":
				starts = append(starts, prm.value)
			case "type":
				types = append(types, prm.value)
			case "charset":
				charsets = append(charsets, strings.ToUpper(prm.value))
			case "name":
				names = append(names, prm.value)
			}
		}
		return media
	}
	if p.ContentType != "" {
		cts = append(cts, addParams(p.ContentType))
		for i, part := range p.Parts {
			cts = append(cts, addParams(part.ContentType))
			numbers = append(numbers, strconv.Itoa(i+1))
			if part.ContentLocation != "" {
				locations = append(locations, part.ContentLocation)
			}
			if part.ContentID != "" {
				ids = append(ids, `"`+part.ContentID+`"`)
			}
		}
	}
	w["wsp.header.content_type"] = strings.Join(cts, "|")
	w["wsp.multipart"] = strings.Join(numbers, "|")
	w["wsp.header.content_location"] = strings.Join(locations, "|")
	w["wsp.header.content_id"] = strings.Join(ids, "|")
	w["wsp.parameter.start"] = strings.Join(starts, "|")
	w["wsp.parameter.upart.type"] = strings.Join(types, "|")
	w["wsp.parameter.charset"] = strings.Join(charsets, "|")
	w["wsp.parameter.name"] = strings.Join(names, "|")
	return w
}

func testJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{uint8(16 * x), uint8(16 * y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tsharkPDUs are the PDUs the oracle checks: every type, ASCII text (tshark
// shows Encoded-string-values without applying the charset, §14.6).
func tsharkPDUs(t *testing.T) []*PDU {
	rc := exampleRetrieveConf()
	rc.Cc = []string{"carol@example.com"}
	rc.DeliveryReport, rc.ReadReport = ptr(false), ptr(true)
	rc.Parts = append(rc.Parts, Part{ContentType: "image/jpeg; name=saturn.jpg", ContentLocation: "saturn.jpg", ContentID: "<saturn>", Data: testJPEG(t)})
	return []*PDU{
		exampleNotification(),
		{Type: NotificationInd, TransactionID: "T0002", Version: Version13, FromInsert: true, Subject: "Second",
			MessageClass: "Advertisement", Priority: "High", MessageSize: 300000, Expiry: exampleDate.Add(72 * time.Hour),
			DeliveryReport: ptr(true), ContentLocation: "http://mmsc.example.com/m/def456"},
		{Type: NotificationInd, TransactionID: "T0003", MessageClass: "x-vip", MessageSize: 1, ExpiryRelative: time.Hour, ContentLocation: "http://m/1"},
		rc,
		{Type: RetrieveConf, Date: exampleDate, RetrieveStatus: 0xE2, RetrieveText: "Gone", ContentType: MediaMultipartMixed,
			Parts: []Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("Expired.")}}},
		exampleSendReq(),
		{Type: SendReq, TransactionID: "S2", From: sender, Bcc: []string{"b@example.com"}, Priority: "Low",
			SenderVisibility: SenderHide, ExpiryRelative: 24 * time.Hour, DeliveryTimeRelative: time.Hour, ContentType: MediaMultipartMixed,
			Parts: []Part{{ContentType: "text/plain; charset=us-ascii", ContentLocation: "a.txt", Data: []byte("Hi")}}},
		{Type: SendReq, TransactionID: "S3", FromInsert: true, To: []string{recipient}, DeliveryTime: exampleDate.Add(2 * time.Hour),
			ContentType: MediaMultipartMixed, Parts: []Part{{ContentType: "text/plain; charset=us-ascii", Data: []byte("Later")}}},
		{Type: ForwardReq, TransactionID: "F1", Version: Version11, FromInsert: true, To: []string{recipient},
			DeliveryReport: ptr(true), ContentLocation: "http://mmsc.example.com/mms/abc123"},
		{Type: ForwardConf, TransactionID: "F1", Version: Version11, ResponseStatus: ResponseOk, MessageID: "148478241@mmsc.hub"},
		{Type: SendConf, TransactionID: "S1", ResponseStatus: ResponseOk, MessageID: "148478240@mmsc.hub"},
		{Type: SendConf, TransactionID: "S1", ResponseStatus: ResponseErrorPermanentAddressUnresolved, ResponseText: "Unknown recipient"},
		{Type: NotifyRespInd, TransactionID: "T0001", Status: StatusRetrieved, ReportAllowed: ptr(true)},
		{Type: NotifyRespInd, TransactionID: "T0001", Status: StatusDeferred},
		{Type: AcknowledgeInd, TransactionID: "T0001", ReportAllowed: ptr(false)},
		{Type: DeliveryInd, MessageID: "148478240@mmsc.hub", To: []string{recipient}, Date: exampleDate.Add(time.Minute), Status: StatusRetrieved},
		{Type: ReadRecInd, MessageID: "148478240@mmsc.hub", To: []string{sender}, FromInsert: true, ReadStatus: ReadStatusRead},
		{Type: ReadOrigInd, MessageID: "148478240@mmsc.hub", To: []string{sender}, From: recipient, Date: exampleDate.Add(2 * time.Minute), ReadStatus: ReadStatusDeleted},
	}
}

// Every PDU, wrapped in our WSP Push, decodes in tshark to what we encoded.
func TestTsharkDecodesOurPDUs(t *testing.T) {
	tshark := requireTshark(t)
	pdus := tsharkPDUs(t)
	frames := make([][]byte, len(pdus))
	for i, p := range pdus {
		b, err := Encode(p)
		if err != nil {
			t.Fatalf("%v: %v", p.Type, err)
		}
		if frames[i], err = Push(0x01, MediaMMS, AppIDMMS, b); err != nil {
			t.Fatal(err)
		}
	}
	rows := runTshark(t, tshark, "wsp-cl", frames, mmseFields)
	for i, p := range pdus {
		compare(t, fmt.Sprintf("frame %d (%v)", i+1, p.Type), rows[i], expectedFields(t, p))
	}
}

// tsharkRaw returns, per frame, the raw bytes (hex) tshark attributes to
// each occurrence of the named fields (-T jsonraw). It is how text in UTF-8
// is compared, since tshark shows Encoded-string-values without their
// charset (§14.6), and how part boundaries are checked.
func tsharkRaw(t *testing.T, tshark, dissector string, frames [][]byte, keys ...string) []map[string][]string {
	t.Helper()
	pcap := filepath.Join(t.TempDir(), dissector+"-raw.pcap")
	writePcap(t, pcap, frames)
	dlt := fmt.Sprintf(`uat:user_dlts:"User 0 (DLT=147)","%s","0","","0",""`, dissector)
	cmd := exec.Command(tshark, "-n", "-r", pcap, "-o", dlt, "-T", "jsonraw", "--no-duplicate-keys")
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark -T jsonraw: %v", err)
	}
	var packets []any
	if err := json.Unmarshal(out, &packets); err != nil {
		t.Fatalf("tshark JSON: %v", err)
	}
	want := map[string]bool{}
	for _, k := range keys {
		want[k+"_raw"] = true
	}
	rows := make([]map[string][]string, len(packets))
	for i, pkt := range packets {
		rows[i] = map[string][]string{}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, sub := range v {
					if want[k] {
						rows[i][strings.TrimSuffix(k, "_raw")] = append(rows[i][strings.TrimSuffix(k, "_raw")], rawHexes(sub)...)
						continue
					}
					walk(sub)
				}
			case []any:
				for _, sub := range v {
					walk(sub)
				}
			}
		}
		walk(pkt)
	}
	return rows
}

// rawHexes reads a jsonraw value: [hex, pos, len, mask, type], or an array
// of those for a repeated field.
func rawHexes(v any) []string {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return nil
	}
	if s, ok := a[0].(string); ok {
		return []string{s}
	}
	var all []string
	for _, e := range a {
		all = append(all, rawHexes(e)...)
	}
	return all
}

// Text outside ASCII and the exact bytes of each multipart entry, as
// tshark delimits them.
func TestTsharkRawBytes(t *testing.T) {
	tshark := requireTshark(t)
	p := exampleRetrieveConf()
	p.Subject = "éa — Ünïcode 😀"
	p.From = "José <jose@example.com>"
	p.To = []string{"Zoë <zoe@example.com>", recipient}
	p.Parts = append(p.Parts, Part{ContentType: "image/jpeg; name=saturn.jpg", ContentLocation: "saturn.jpg", Data: testJPEG(t)})
	pdu, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	frame, err := Push(0x01, MediaMMS, AppIDMMS, pdu)
	if err != nil {
		t.Fatal(err)
	}
	header := func(code byte, s string) string {
		b, err := appendEncodedString([]byte{code}, s)
		if err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(b)
	}
	from, _ := appendFrom(nil, p.From, false)
	want := map[string][]string{
		"mmse.subject": {header(hSubject, p.Subject)},
		"mmse.from":    {hex.EncodeToString(from)},
		"mmse.to":      {header(hTo, p.To[0]), header(hTo, p.To[1])},
	}
	for _, part := range p.Parts {
		entry, err := appendMultipart(nil, []Part{part})
		if err != nil {
			t.Fatal(err)
		}
		want["wsp.multipart"] = append(want["wsp.multipart"], hex.EncodeToString(entry[1:])) // without the count
	}
	got := tsharkRaw(t, tshark, "wsp-cl", [][]byte{frame}, "mmse.subject", "mmse.from", "mmse.to", "wsp.multipart")
	if len(got) != 1 {
		t.Fatalf("%d packets", len(got))
	}
	for k, w := range want {
		if g := got[0][k]; !slices.Equal(g, w) {
			t.Errorf("%s raw:\n got %v\nwant %v", k, g, w)
		}
	}
}

// smsDeliver wraps SMS user data in an SMS-DELIVER TPDU (3GPP TS 23.040
// §9.2.2.1) from +447700900123: UDHI set, TP-DCS 04 (8-bit data), the
// example date as service centre time stamp.
func smsDeliver(ud []byte) []byte {
	tpdu := []byte{
		0x44,                                           // SMS-DELIVER, no more messages, UDHI
		0x0c, 0x91, 0x44, 0x77, 0x00, 0x09, 0x10, 0x32, // TP-OA: 12 digits, international
		0x00, 0x04, // TP-PID, TP-DCS 8-bit
		0x70, 0x50, 0x80, 0x90, 0x81, 0x23, 0x00, // TP-SCTS 07-05-08 09:18:32 +00
		byte(len(ud)),
	}
	return append(tpdu, ud...)
}

// Our SMS segments, as an SMSC would deliver them, decode in tshark's GSM
// SMS dissector to the ports of §9, are reassembled by it, and the WSP Push
// and MMS PDU inside are what we encoded.
func TestTsharkDecodesOurSMS(t *testing.T) {
	tshark := requireTshark(t)
	single, err := Encode(exampleNotification())
	if err != nil {
		t.Fatal(err)
	}
	long := exampleNotification()
	long.TransactionID = "T0002"
	long.Subject = "A subject long enough to need more than one short message"
	long.ContentLocation = "http://mmsc.example.com/m/" + strings.Repeat("0123456789", 14)
	multi, err := Encode(long)
	if err != nil {
		t.Fatal(err)
	}
	si := readHex(t, "si-push.hex")

	type msg struct {
		push []byte
		pdu  *PDU // nil for the SI push
		ref  byte
	}
	var msgs []msg
	for _, m := range []struct {
		tid byte
		pdu []byte
		p   *PDU
		ref byte
	}{{0x01, single, exampleNotification(), 0x41}, {0x02, multi, long, 0x42}} {
		push, err := Push(m.tid, MediaMMS, AppIDMMS, m.pdu)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, msg{push, m.p, m.ref})
	}
	msgs = append(msgs, msg{si, nil, 0x43})

	fields := []string{
		"gsm_sms.tp-udhi", "gsm_sms.destination_port", "gsm_sms.originator_port",
		"gsm_sms.udh.mm.msg_id", "gsm_sms.udh.mm.msg_parts", "gsm_sms.udh.mm.msg_part", "gsm_sms.reassembled.length",
		"wsp.TID", "wsp.pdu_type", "wsp.header.content_type", "wsp.header.x_wap_application_id",
		"mmse.message_type", "mmse.transaction_id", "mmse.subject", "mmse.message_class.id",
		"mmse.message_size", "mmse.expiry.rel", "mmse.content_location",
	}
	var frames [][]byte
	var wants []map[string]string
	for _, m := range msgs {
		segs := SMSSegments(m.push, m.ref)
		if m.pdu == long && len(segs) < 3 {
			t.Fatalf("the long push has %d segments; the test wants three", len(segs))
		}
		for i, seg := range segs {
			frames = append(frames, smsDeliver(seg))
			w := map[string]string{
				"gsm_sms.tp-udhi":            "1",
				"gsm_sms.destination_port":   "2948",
				"gsm_sms.originator_port":    "9200",
				"gsm_sms.udh.mm.msg_id":      "",
				"gsm_sms.udh.mm.msg_parts":   "",
				"gsm_sms.udh.mm.msg_part":    "",
				"gsm_sms.reassembled.length": "",
			}
			if len(segs) > 1 {
				w["gsm_sms.udh.mm.msg_id"] = strconv.Itoa(int(m.ref))
				w["gsm_sms.udh.mm.msg_parts"] = strconv.Itoa(len(segs))
				w["gsm_sms.udh.mm.msg_part"] = strconv.Itoa(i + 1)
			}
			last := i == len(segs)-1
			if last && len(segs) > 1 {
				w["gsm_sms.reassembled.length"] = strconv.Itoa(len(m.push))
			}
			// The push is dissected once, in the frame that completes it.
			tid, ct, app := "", "", ""
			var mms map[string]string
			if last {
				tid, ct, app = fmt.Sprintf("0x%02x", m.push[0]), MediaMMS, AppIDMMS
				if m.pdu != nil {
					mms = expectedFields(t, m.pdu)
				} else {
					ct, app = "application/vnd.wap.sic", ""
				}
			}
			w["wsp.TID"], w["wsp.header.content_type"], w["wsp.header.x_wap_application_id"] = tid, ct, app
			w["wsp.pdu_type"] = map[bool]string{true: "0x06", false: ""}[last]
			for _, f := range fields {
				if strings.HasPrefix(f, "mmse.") {
					w[f] = mms[f]
				}
			}
			wants = append(wants, w)
		}
	}
	rows := runTshark(t, tshark, "gsm_sms", frames, fields)
	for i := range frames {
		compare(t, fmt.Sprintf("SMS frame %d", i+1), rows[i], wants[i])
	}
}
