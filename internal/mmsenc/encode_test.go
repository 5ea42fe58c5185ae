package mmsenc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// Encode refuses, with the header and the rule named, every PDU that §6 or
// §1 forbids, instead of writing something Android would drop.
func TestEncodeRefuses(t *testing.T) {
	with := func(base func() *PDU, change func(*PDU)) *PDU {
		p := base()
		change(p)
		return p
	}
	notif, rc, sr := exampleNotification, exampleRetrieveConf, exampleSendReq
	for _, c := range []struct {
		name string
		pdu  *PDU
		err  string
	}{
		{"nil", nil, "nil PDU"},
		{"unsupported type", &PDU{Type: 0x8B}, "cannot encode m-mbox-store-req"},
		{"unknown type", &PDU{Type: 0x42}, "cannot encode MessageType(0x42)"},
		{"notification without location", with(notif, func(p *PDU) { p.ContentLocation = "" }), "m-notification-ind: X-Mms-Content-Location is mandatory"},
		{"notification without size", with(notif, func(p *PDU) { p.MessageSize = 0 }), "X-Mms-Message-Size is mandatory"},
		{"notification without expiry", with(notif, func(p *PDU) { p.ExpiryRelative = 0 }), "X-Mms-Expiry is mandatory"},
		{"notification without TID", with(notif, func(p *PDU) { p.TransactionID = "" }), "X-Mms-Transaction-ID is mandatory"},
		{"notification with a body", with(notif, func(p *PDU) { p.ContentType = "text/plain" }), "Content-Type is not a header of this PDU"},
		{"notification with To", with(notif, func(p *PDU) { p.To = []string{recipient} }), "To is not a header of this PDU"},
		{"negative size", with(notif, func(p *PDU) { p.MessageSize = -1 }), "X-Mms-Message-Size: negative size -1"},
		{"fractional relative expiry", with(notif, func(p *PDU) { p.ExpiryRelative = 1500 * time.Millisecond }), "not a positive whole number of seconds"},
		{"negative relative expiry", with(notif, func(p *PDU) { p.ExpiryRelative = -time.Hour }), "not a positive whole number of seconds"},
		{"expiry before 1970", with(notif, func(p *PDU) { p.ExpiryRelative, p.Expiry = 0, time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }), "before 1970"},
		{"bad class", with(notif, func(p *PDU) { p.MessageClass = "very personal" }), `"very personal" is neither a class name nor a token`},
		{"bad priority", with(notif, func(p *PDU) { p.Priority = "Urgent" }), `"Urgent" is not Low, Normal or High`},
		{"NUL in TID", with(notif, func(p *PDU) { p.TransactionID = "a\x00" }), "X-Mms-Transaction-ID: \"a\\x00\" contains a NUL octet at 1"},
		{"control character in location", with(notif, func(p *PDU) { p.ContentLocation = "\thttp://x" }), "starts with control character 0x09"},
		{"subject not UTF-8", with(notif, func(p *PDU) { p.Subject = "\xc3" }), "Subject: \"\\xc3\" is not valid UTF-8"},
		{"From and FromInsert", with(notif, func(p *PDU) { p.FromInsert = true }), "From \"+447700900123/TYPE=PLMN\" and FromInsert are both set"},
		{"version 2.0", with(notif, func(p *PDU) { p.Version = 0xA0 }), "0xA0 is not an MMS 1.x version"},
		{"retrieve-conf without Date", with(rc, func(p *PDU) { p.Date = time.Time{} }), "m-retrieve-conf: Date is mandatory"},
		{"retrieve-conf without body", with(rc, func(p *PDU) { p.ContentType, p.Parts = "", nil }), "Content-Type is mandatory"},
		{"retrieve-conf plain text body", with(rc, func(p *PDU) {
			p.ContentType, p.Parts = "text/plain", []Part{{Data: []byte("x")}}
		}), "m-retrieve-conf needs a vnd.wap.multipart mixed, related or alternative body"},
		{"retrieve-conf multipart/mixed", with(rc, func(p *PDU) { p.ContentType = "multipart/mixed" }), "needs a vnd.wap.multipart"},
		{"start names no part", with(rc, func(p *PDU) { p.ContentType = "application/vnd.wap.multipart.related; start=<nope>" }), `start "<nope>" names no part's Content-ID`},
		{"part without type", with(rc, func(p *PDU) { p.Parts[1].ContentType = "" }), "part 2: Content-Type missing"},
		{"part with bad type", with(rc, func(p *PDU) { p.Parts[1].ContentType = "text" }), `part 2: content type "text" is not type/subtype`},
		{"parts without type", with(rc, func(p *PDU) { p.ContentType = "" }), "2 parts but no Content-Type"},
		{"retrieve-conf with Bcc", with(rc, func(p *PDU) { p.Bcc = []string{"x"} }), "Bcc is not a header of this PDU"},
		{"empty To", with(rc, func(p *PDU) { p.To = []string{recipient, ""} }), "To: address 2 is empty"},
		{"send-req without recipients", with(sr, func(p *PDU) { p.To = nil }), "at least one of To, Cc and Bcc is mandatory"},
		{"send-req without From", with(sr, func(p *PDU) { p.FromInsert = false }), "m-send-req: From is mandatory"},
		{"single body with two parts", with(sr, func(p *PDU) { p.ContentType = "text/plain" }), "a text/plain body is one part, not 2"},
		{"single body with other type", with(sr, func(p *PDU) {
			p.ContentType, p.Parts = "text/plain", []Part{{ContentType: "image/png"}}
		}), `single part's Content-Type "image/png" differs`},
		{"single body with part headers", with(sr, func(p *PDU) {
			p.ContentType, p.Parts = "text/plain", []Part{{ContentID: "<x>"}}
		}), "a single-part body has no part headers"},
		{"bad sender visibility", with(sr, func(p *PDU) { p.SenderVisibility = 0x82 }), "0x82 is not Hide (0x80) or Show (0x81)"},
		{"send-conf Ok without Message-ID", &PDU{Type: SendConf, TransactionID: "S1", ResponseStatus: ResponseOk}, "Message-ID is mandatory when X-Mms-Response-Status is Ok"},
		{"send-conf without status", &PDU{Type: SendConf, TransactionID: "S1"}, "X-Mms-Response-Status is mandatory"},
		{"status below 0x80", &PDU{Type: NotifyRespInd, TransactionID: "T", Status: 0x01}, "X-Mms-Status: 0x01 is not a value (0x80-0xFF)"},
		{"delivery-ind with TID", &PDU{Type: DeliveryInd, TransactionID: "T", MessageID: "m", To: []string{"a"}, Date: exampleDate, Status: StatusRetrieved}, "X-Mms-Transaction-ID is not a header of this PDU"},
		{"read-orig-ind without Date", &PDU{Type: ReadOrigInd, MessageID: "m", To: []string{"a"}, From: "b", ReadStatus: ReadStatusRead}, "m-read-orig-ind: Date is mandatory"},
		{"read-rec-ind without From", &PDU{Type: ReadRecInd, MessageID: "m", To: []string{"a"}, ReadStatus: ReadStatusRead}, "m-read-rec-ind: From is mandatory"},
		{"unknown header with the type code", with(notif, func(p *PDU) { p.Unknown = []Header{{Field: hMessageType, Value: []byte{0x82}}} }), "X-Mms-Message-Type cannot be written as an unknown header"},
		{"unknown header with two values", with(notif, func(p *PDU) { p.Unknown = []Header{{Field: 0xB4, Value: []byte{0x80, 0x80}}} }), "X-Mms-Recommended-Retrieval-Mode: value 80 80 is not exactly one encoded value"},
		{"unknown header below 0x80", with(notif, func(p *PDU) { p.Unknown = []Header{{Field: 0x34, Value: []byte{0x80}}} }), "field 0x34 is not a well-known field octet"},
		{"application header with bad name", with(notif, func(p *PDU) { p.Unknown = []Header{{Name: "X Y", Value: []byte("v")}} }), `application header name "X Y" is not a token`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Encode(c.pdu)
			if err == nil {
				t.Fatalf("Encode succeeded: % x", b)
			}
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "mmsenc: ") || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %q\nwant it to contain %q and wrap ErrInvalid", err, c.err)
			}
		})
	}
}

// What Encode chooses on its own, each a rule of §1.
func TestEncodeChoices(t *testing.T) {
	encode := func(p *PDU) []byte {
		t.Helper()
		b, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	n := exampleNotification()
	n.Version, n.MessageClass = 0, ""
	b := encode(n)
	if !bytes.HasPrefix(b, mustHex(t, "8c 82 98 54 30 30 30 31 00 8d 92")) {
		t.Errorf("rule 1 / 9: PDU starts % x", b[:11])
	}
	if !bytes.Contains(b, mustHex(t, "8a 80")) {
		t.Error("rule 7: notification without class did not get Personal")
	}

	// Rule 2: small sizes and dates are still Long-integers.
	n = exampleNotification()
	n.MessageSize, n.ExpiryRelative, n.Expiry = 10, 0, time.Unix(10, 0)
	b = encode(n)
	for _, want := range []string{"8e 01 0a", "88 03 80 01 0a"} {
		if !bytes.Contains(b, mustHex(t, want)) {
			t.Errorf("rule 2: % x lacks %s", b, want)
		}
	}

	// A hidden sender: no From at all. An insert-address sender: 89 01 81.
	n = exampleNotification()
	n.From = ""
	if b := encode(n); bytes.Contains(b, []byte{hFrom}) {
		t.Errorf("hidden sender still has From: % x", b)
	}
	// From that is not ASCII gets the charset form inside the wrapper.
	n.From = "José <jose@example.com>"
	if b := encode(n); !bytes.Contains(b, mustHex(t, "89 1c 80 1a ea 4a 6f 73 c3 a9")) {
		t.Errorf("non-ASCII From: % x", b)
	}

	// Rule 5: one text part wrapped in multipart.mixed is fine.
	rc := exampleRetrieveConf()
	rc.ContentType = "application/vnd.wap.multipart.mixed"
	rc.Parts = []Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("hi")}}
	if b := encode(rc); !bytes.HasSuffix(b, mustHex(t, "84 a3 01 04 02 03 83 81 ea 68 69")) {
		t.Errorf("mixed body: % x", b)
	}

	// Rule 6: Content-Location, then Content-ID, whatever the struct order.
	if b := encode(exampleRetrieveConf()); !bytes.Contains(b, mustHex(t, "8e 74 65 78 74 2e 74 78 74 00 c0 22 3c 74 65 78 74 3e 00")) {
		t.Errorf("part headers: % x", b)
	}

	// Unknown headers go back before Content-Type.
	rc = exampleRetrieveConf()
	rc.Unknown = []Header{{Field: 0xBA, Value: []byte{0x81}}, {Name: "X-Vendor", Value: []byte("v")}}
	b = encode(rc)
	if i, j := bytes.Index(b, mustHex(t, "ba 81 58 2d 56 65 6e 64 6f 72 00 76 00")), bytes.Index(b, []byte{0x84, 0x1b}); i < 0 || j < i {
		t.Errorf("unknown headers at %d, Content-Type at %d: % x", i, j, b)
	}
}

// A send-req may carry a single, non-multipart body.
func TestEncodeSingleBody(t *testing.T) {
	p := &PDU{Type: SendReq, TransactionID: "1", FromInsert: true, To: []string{"a@b.c"}, ContentType: "text/plain; charset=utf-8", Parts: []Part{{Data: []byte("hi")}}}
	b, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(b, mustHex(t, "84 03 83 81 ea 68 69")) {
		t.Errorf("% x", b)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	p.Parts[0].ContentType = p.ContentType
	samePDU(t, got, p)
}

func TestMessageTypeString(t *testing.T) {
	for typ, want := range map[MessageType]string{
		SendReq: "m-send-req", SendConf: "m-send-conf", NotificationInd: "m-notification-ind",
		NotifyRespInd: "m-notifyresp-ind", RetrieveConf: "m-retrieve-conf", AcknowledgeInd: "m-acknowledge-ind",
		DeliveryInd: "m-delivery-ind", ReadRecInd: "m-read-rec-ind", ReadOrigInd: "m-read-orig-ind",
		0x97: "m-cancel-conf", 0x98: "MessageType(0x98)", 0x00: "MessageType(0x00)",
	} {
		if got := typ.String(); got != want {
			t.Errorf("%#x: %q, want %q", byte(typ), got, want)
		}
	}
}
