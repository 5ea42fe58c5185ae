package mmsenc

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// What handsets and old MMSCs send, which Decode must read although Encode
// never writes it.
func TestDecodeLenient(t *testing.T) {
	for _, c := range []struct {
		name, wire string
		want       *PDU
	}{
		{"headers in any order, MMS 1.0",
			"8d 90 98 41 00 8c 83 95 81",
			&PDU{Type: NotifyRespInd, Version: Version10, TransactionID: "A", Status: StatusRetrieved}},
		{"version as text",
			"8c 85 98 41 00 8d 31 2e 31 00",
			&PDU{Type: AcknowledgeInd, Version: Version11, TransactionID: "A"}},
		{"version as text without minor",
			"8c 85 98 41 00 8d 31 00",
			&PDU{Type: AcknowledgeInd, Version: 0x9F, TransactionID: "A"}},
		{"Integer-value size and date, non-minimal Long-integer",
			"8c 82 8e 8a 85 03 00 00 0a",
			&PDU{Type: NotificationInd, MessageSize: 10, Date: time.Unix(10, 0).UTC()}},
		{"short-integer relative expiry (tshark shows 0, we read 10 s)",
			"8c 82 88 02 81 8a",
			&PDU{Type: NotificationInd, ExpiryRelative: 10 * time.Second}},
		{"absolute expiry",
			"8c 82 88 06 80 04 46 41 91 e8",
			&PDU{Type: NotificationInd, Expiry: exampleDate.Add(24 * time.Hour)}},
		{"subject without charset, subject in Latin-1, class as token, priority High",
			"8c 84 96 48 69 00 96 03 84 e9 00 8a 78 2d 76 69 70 00 8f 82",
			&PDU{Type: RetrieveConf, Subject: "é", MessageClass: "x-vip", Priority: "High"}},
		{"To, Cc, Bcc repeat",
			"8c 80 97 61 00 97 62 00 82 63 00 81 64 00 81 65 00",
			&PDU{Type: SendReq, To: []string{"a", "b"}, Cc: []string{"c"}, Bcc: []string{"d", "e"}}},
		{"yes/no fields and octet fields",
			"8c 80 86 81 90 80 91 81 94 80 92 e3 99 c0 9b 81 95 87",
			&PDU{Type: SendReq, DeliveryReport: ptr(false), ReadReport: ptr(true), ReportAllowed: ptr(false),
				SenderVisibility: SenderHide, ResponseStatus: 0xE3, RetrieveStatus: 0xC0, ReadStatus: ReadStatusDeleted, Status: StatusUnreachable}},
		{"texts",
			"8c 81 93 03 ea 61 00 9a 62 00",
			&PDU{Type: SendConf, ResponseText: "a", RetrieveText: "b"}},
		{"1.3 headers and application headers are kept raw; Delivery-Time is read like Expiry",
			"8c 82 b4 80 87 06 81 04 00 01 51 80 ba 81 58 2d 46 6f 6f 00 62 61 72 00 8b 6d 00",
			&PDU{Type: NotificationInd, MessageID: "m", DeliveryTimeRelative: 24 * time.Hour, Unknown: []Header{
				{Field: 0xB4, Value: []byte{0x80}},
				{Field: 0xBA, Value: []byte{0x81}},
				{Name: "X-Foo", Value: []byte("bar")},
			}}},
		{"known headers with forms we do not map are kept raw too",
			"8c 82 8f 83 83 03 80 61 00 91 82 8a 84 89 02 82 00 8d 01 00",
			&PDU{Type: NotificationInd, Unknown: []Header{
				{Field: hPriority, Value: []byte{0x83}},
				{Field: hContentLocation, Value: mustHex(t, "03 80 61 00")},
				{Field: hReportAllowed, Value: []byte{0x82}},
				{Field: hMessageClass, Value: []byte{0x84}},
				{Field: hFrom, Value: mustHex(t, "02 82 00")},
				{Field: hMMSVersion, Value: mustHex(t, "01 00")},
			}}},
		{"multipart: non-minimal uintvars, Content-ID unquoted, Content-Disposition and vendor headers skipped, code page shift",
			"8c 84 84 a3 80 02 " +
				// HeadersLen 12 written non-minimally, Content-Disposition, unquoted Content-ID
				"80 0c 02 83 c5 04 81 85 61 00 c0 3c 78 3e 00 68 69 " +
				// a vendor header; shift to page 2, whose 8E is not Content-Location; back to page 1
				"17 01 83 58 2d 41 00 62 00 7f 02 8e 61 62 00 01 8e 63 00 c0 22 3c 79 3e 00 21",
			&PDU{Type: RetrieveConf, ContentType: MediaMultipartMixed, Parts: []Part{
				{ContentType: "text/plain", ContentID: "<x>", Data: []byte("hi")},
				{ContentType: "text/plain", ContentLocation: "c", ContentID: "<y>", Data: []byte("!")},
			}}},
		{"non-multipart body",
			"8c 80 84 9e ff d8",
			&PDU{Type: SendReq, ContentType: "image/jpeg", Parts: []Part{{ContentType: "image/jpeg", Data: []byte{0xff, 0xd8}}}}},
		{"empty multipart",
			"8c 84 84 a3 00",
			&PDU{Type: RetrieveConf, ContentType: MediaMultipartMixed}},
		{"unknown message type",
			"8c 94 98 41 00",
			&PDU{Type: 0x94, TransactionID: "A"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(mustHex(t, c.wire))
			if err != nil {
				t.Fatal(err)
			}
			samePDU(t, got, c.want)
		})
	}
}

// Malformed input: an error wrapping ErrMalformed, with the offset where
// reading stopped and the header it was reading.
func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		wire   string
		offset int
		reason string
	}{
		{"", 0, "no X-Mms-Message-Type header"},
		{"98 41 00", 0, "no X-Mms-Message-Type header"},
		{"8c", 1, "X-Mms-Message-Type: unexpected end of data"},
		{"8c 05", 1, "X-Mms-Message-Type: 0x05 is not a message type"},
		{"8c 82 98 54 30", 3, "X-Mms-Transaction-ID: text runs past the end without its NUL"},
		{"8c 82 89 19 80 2b", 3, "From: value length 25 runs past the end (2 octets left)"},
		{"8c 82 89 03 80 05 61", 5, "From: address: value length 5 runs past the end (1 octets left)"},
		{"8c 82 05", 2, "octet 0x05 starts no header"},
		{"8c 82 58 2d 41", 2, "application header name: text runs past the end without its NUL"},
		{"8c 82 58 2d 41 00 62", 6, `application header "X-A": text runs past the end without its NUL`},
		{"8c 82 96 05 ea 61 00", 3, "Subject: value length 5 runs past the end (3 octets left)"},
		{"8c 82 96 02 20 00", 4, "Subject: charset: expected an integer, found 0x20"},
		{"8c 82 85 09 01 00 00 00 00 00 00 00 00", 3, "Date: long integer of 9 octets exceeds 64 bits"},
		{"8c 82 b4", 3, "X-Mms-Recommended-Retrieval-Mode: unexpected end of data"},
		{"8c 82 c1 03 00", 3, "header 0xC1: value length 3 runs past the end (1 octets left)"},
		{"8c 84 84", 3, "Content-Type: unexpected end of data"},
		{"8c 84 84 03 83 81", 3, "Content-Type: value length 3 runs past the end (2 octets left)"},
		{"8c 84 84 a3", 4, "body: multipart entry count: uintvar runs past the end"},
		{"8c 84 84 a3 ff ff ff ff 0f", 4, "body: multipart entry count: uintvar 34359738255 exceeds 32 bits"},
		{"8c 84 84 a3 05 01 00 83", 8, "body: part 2 of 5: headers length: uintvar runs past the end"},
		{"8c 84 84 a3 01 05 00 83", 7, "body: part 1 of 1: headers: length 5 runs past the end (1 octets left)"},
		{"8c 84 84 a3 01 01 09 83 61", 8, "body: part 1 of 1: data: 9 octets needed, 1 left"},
		{"8c 84 84 a3 01 00 00", 7, "body: part 1 of 1: Content-Type: unexpected end of data"},
		{"8c 84 84 a3 01 02 00 83 c0", 9, "body: part 1 of 1: Content-ID: text runs past the end without its NUL"},
		{"8c 84 84 a3 01 02 00 83 8e", 9, "body: part 1 of 1: Content-Location: text runs past the end without its NUL"},
		{"8c 84 84 a3 01 02 00 83 c5", 9, "body: part 1 of 1: part header 0xC5: unexpected end of data"},
		{"8c 84 84 a3 01 01 00 83 ff ee", 8, "body: 2 octets after the last of 1 parts"},
		{"8c 84 84 41 00", 3, `Content-Type: content type "A" is not type/subtype`},
	} {
		t.Run(c.wire, func(t *testing.T) {
			p, err := Decode(mustHex(t, c.wire))
			if err == nil {
				t.Fatalf("decoded: %s", dump(p))
			}
			var de *DecodeError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &de) {
				t.Fatalf("%v does not wrap ErrMalformed and DecodeError", err)
			}
			want := fmt.Sprintf("mmsenc: offset %d: %s", c.offset, c.reason)
			if err.Error() != want || de.Offset != c.offset {
				t.Errorf("error %q\n want %q", err, want)
			}
		})
	}
}

// A Content-Type ends the headers: whatever follows is body, even if it
// looks like a header.
func TestDecodeBodyAfterContentType(t *testing.T) {
	p, err := Decode(mustHex(t, "8c 80 84 83 96 41 00"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "" || len(p.Parts) != 1 || string(p.Parts[0].Data) != "\x96A\x00" {
		t.Errorf("%s", dump(p))
	}
}

// Decode copies strings but not data: the caller's buffer backs Part.Data.
func TestDecodeAliasing(t *testing.T) {
	b := readHex(t, "retrieve-conf.hex")
	p, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	subject := p.Subject
	for i := range b {
		b[i] = 0
	}
	if p.Subject != subject || !strings.Contains(subject, "News") {
		t.Error("Subject changed with the input")
	}
	if p.Parts[0].Data[0] != 0 {
		t.Error("Part.Data does not point into the input")
	}
}
