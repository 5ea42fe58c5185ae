package mmsenc

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Decode(Encode(p)) is p, for every PDU type and the features each has.
func TestRoundTripTable(t *testing.T) {
	jpeg := []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xd9}
	for _, p := range []*PDU{
		exampleNotification(),
		{Type: NotificationInd, TransactionID: "éT", Version: Version13, Subject: "éa — ünïcode 😀", MessageClass: "Advertisement",
			Priority: "High", MessageSize: 1 << 40, Expiry: exampleDate, DeliveryReport: ptr(false), ContentLocation: "http://x/é"},
		{Type: NotificationInd, TransactionID: "T", FromInsert: true, MessageClass: "x-custom", MessageSize: 1,
			ExpiryRelative: time.Second, ContentLocation: "u", Unknown: []Header{{Field: 0xB4, Value: []byte{0x80}}, {Name: "X-A", Value: []byte("é")}}},
		exampleRetrieveConf(),
		{Type: RetrieveConf, Version: Version10, Date: time.Unix(0, 0).UTC(), Cc: []string{"a@b", "c@d"}, ReadReport: ptr(false),
			DeliveryReport: ptr(true), RetrieveStatus: 0xE3, RetrieveText: "unsupported", MessageClass: "Auto", Priority: "Low",
			ContentType: "application/vnd.wap.multipart.alternative", Parts: []Part{
				{ContentType: "text/plain; charset=us-ascii", Data: []byte("a")},
				{ContentType: "text/html; charset=utf-8", Data: []byte("<b>a</b>")},
			}},
		{Type: RetrieveConf, Date: exampleDate, ContentType: "application/vnd.wap.multipart.mixed", Parts: []Part{
			{ContentType: "image/jpeg; name=saturn.jpg", ContentLocation: "saturn.jpg", Data: jpeg},
			{ContentType: `audio/amr; name="voice note.amr"`, ContentID: "<a>", Data: []byte("#!AMR\n")},
			{ContentType: "video/3gpp", Data: []byte{}},
			{ContentType: "application/vnd.wap.multipart.mixed", Data: []byte{0x00}},
			{ContentType: "text/x-vcard; charset=utf-8", Data: []byte("BEGIN:VCARD")},
			{ContentType: "text/plain; charset=big5", Data: []byte{0xa4, 0xa4}},
			{ContentType: "text/plain; charset=x-mibenum-4660; format=flowed", Data: []byte("x")},
		}},
		exampleSendReq(),
		{Type: SendReq, TransactionID: "1", Version: Version11, Date: exampleDate, From: sender, Bcc: []string{"b@c"},
			MessageClass: "Informational", ExpiryRelative: 7 * 24 * time.Hour, Priority: "Normal", SenderVisibility: SenderShow,
			ContentType: "text/plain; charset=utf-8", Parts: []Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("solo")}}},
		{Type: SendConf, TransactionID: "S1", Version: Version12, ResponseStatus: ResponseOk, MessageID: "m1", ContentLocation: "http://x/m1"},
		{Type: SendConf, TransactionID: "S1", ResponseStatus: 0xEB, ResponseText: "🙁 no credit"},
		{Type: NotifyRespInd, TransactionID: "T", Status: StatusDeferred},
		{Type: NotifyRespInd, TransactionID: "T", Status: StatusRejected, ReportAllowed: ptr(false)},
		{Type: AcknowledgeInd, TransactionID: "T"},
		{Type: DeliveryInd, MessageID: "m", To: []string{"a", "b"}, Date: exampleDate, Status: StatusExpired},
		{Type: ReadRecInd, MessageID: "m", To: []string{sender}, From: recipient, Date: exampleDate, ReadStatus: ReadStatusDeleted},
		{Type: ReadOrigInd, MessageID: "m", To: []string{sender}, FromInsert: true, Date: exampleDate, ReadStatus: ReadStatusRead},
	} {
		t.Run(p.Type.String(), func(t *testing.T) {
			b, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("%v\n% x", err, b)
			}
			samePDU(t, got, p)
		})
	}
}

// A seeded generator of valid PDUs of every type; Decode(Encode(p)) must
// be p for each.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2007, 0x0508))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		p := randomPDU(rng)
		b, err := Encode(p)
		if err != nil {
			t.Fatalf("#%d: Encode: %v\n%s", i, err, dump(p))
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("#%d: Decode: %v\n% x", i, err, b)
		}
		samePDU(t, got, p)
		if t.Failed() {
			t.Fatalf("#%d: % x", i, b)
		}
	}
}

// randomText gives text that exercises the quote rule (first octet >= 0x80),
// non-ASCII and lengths around the Short-length limit of 30.
func randomText(rng *rand.Rand, min int) string {
	pieces := []string{"a", "Z", "0", " ", "/", "=", "@", ".", "é", "Ω", "😀", "<", ">", "\"", "-", "\t"}
	var b strings.Builder
	for n := min + rng.IntN(40); b.Len() < n; {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	s := b.String()
	for s != "" && (s[0] < 0x20 || s[0] == '"') { // a Text-string cannot start with a control character
		s = s[1:]
	}
	if s == "" {
		s = "x"
	}
	return s
}

func randomToken(rng *rand.Rand) string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789-.+"
	b := make([]byte, 1+rng.IntN(12))
	for i := range b {
		b[i] = chars[rng.IntN(len(chars))]
	}
	return string(b)
}

func randomAddresses(rng *rand.Rand, min int) []string {
	var a []string
	for range min + rng.IntN(3) {
		switch rng.IntN(3) {
		case 0:
			a = append(a, fmt.Sprintf("+44%010d/TYPE=PLMN", rng.Int64N(1e10)))
		case 1:
			a = append(a, randomToken(rng)+"@example.com")
		default:
			a = append(a, randomText(rng, 1))
		}
	}
	return a
}

func randomTime(rng *rand.Rand) time.Time {
	return time.Unix(rng.Int64N(1<<40), 0).UTC()
}

func maybe[T any](rng *rand.Rand, v T) T {
	var zero T
	if rng.IntN(2) == 0 {
		return zero
	}
	return v
}

func randomBool(rng *rand.Rand) *bool {
	if rng.IntN(3) == 0 {
		return nil
	}
	return ptr(rng.IntN(2) == 0)
}

func randomParts(rng *rand.Rand) (string, []Part) {
	types := []string{
		"text/plain; charset=utf-8", "text/plain", "application/smil", "image/jpeg", "image/gif; name=a.gif",
		"audio/amr", "video/mp4; name=\"clip 1.mp4\"", "text/x-vcard", "application/octet-stream; x-a=b",
		"text/plain; charset=iso-8859-1", "image/png; filename=p.png; name=p.png",
	}
	parts := make([]Part, rng.IntN(5))
	for i := range parts {
		data := make([]byte, rng.IntN(300))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		parts[i] = Part{
			ContentType:     types[rng.IntN(len(types))],
			ContentID:       maybe(rng, fmt.Sprintf("<%s>", randomToken(rng))),
			ContentLocation: maybe(rng, randomToken(rng)+".bin"),
			Data:            data,
		}
	}
	switch rng.IntN(3) {
	case 0:
		return MediaMultipartMixed, parts
	case 1:
		return MediaMultipartAlternative, parts
	}
	if len(parts) == 0 {
		return MediaMultipartRelated, parts
	}
	parts[0].ContentType, parts[0].ContentID = "application/smil", "<smil>"
	return `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`, parts
}

func randomExpiry(rng *rand.Rand, p *PDU) {
	if rng.IntN(2) == 0 {
		p.ExpiryRelative = time.Duration(1+rng.Int64N(1<<33)) * time.Second
	} else {
		p.Expiry = randomTime(rng)
	}
}

func randomPDU(rng *rand.Rand) *PDU {
	types := []MessageType{SendReq, SendConf, NotificationInd, NotifyRespInd, RetrieveConf, AcknowledgeInd, DeliveryInd, ReadRecInd, ReadOrigInd}
	p := &PDU{Type: types[rng.IntN(len(types))], Version: 0x90 | byte(rng.IntN(4))}
	classes := []string{"Personal", "Advertisement", "Informational", "Auto", "x-" + randomToken(rng)}
	class := classes[rng.IntN(len(classes))]
	priority := []string{"", "Low", "Normal", "High"}[rng.IntN(4)]
	from := func(mandatory bool) {
		switch rng.IntN(3) {
		case 0:
			p.FromInsert = true
		case 1:
			p.From = randomAddresses(rng, 1)[0]
		default:
			if mandatory {
				p.FromInsert = true
			}
		}
	}
	switch p.Type {
	case SendReq:
		p.TransactionID = randomText(rng, 1)
		p.Date = maybe(rng, randomTime(rng))
		from(true)
		p.To, p.Cc, p.Bcc = randomAddresses(rng, 1), randomAddresses(rng, 0), randomAddresses(rng, 0)
		p.Subject, p.MessageClass, p.Priority = maybe(rng, randomText(rng, 0)), maybe(rng, class), priority
		if rng.IntN(2) == 0 {
			randomExpiry(rng, p)
		}
		p.SenderVisibility = maybe(rng, SenderHide+byte(rng.IntN(2)))
		p.DeliveryReport, p.ReadReport = randomBool(rng), randomBool(rng)
		p.ContentType, p.Parts = randomParts(rng)
	case SendConf:
		p.TransactionID = randomText(rng, 1)
		p.ResponseStatus = 0x80 | byte(rng.IntN(128))
		p.ResponseText = maybe(rng, randomText(rng, 0))
		p.MessageID = randomText(rng, 1)
		p.ContentLocation = maybe(rng, randomText(rng, 1))
	case NotificationInd:
		p.TransactionID = randomText(rng, 1)
		from(false)
		p.Subject, p.MessageClass, p.Priority = maybe(rng, randomText(rng, 0)), class, priority
		p.MessageSize = 1 + rng.Int64N(1<<50)
		randomExpiry(rng, p)
		p.DeliveryReport = randomBool(rng)
		p.ContentLocation = "http://mmsc.example/" + randomText(rng, 1)
	case NotifyRespInd:
		p.TransactionID = randomText(rng, 1)
		p.Status = 0x80 | byte(rng.IntN(8))
		p.ReportAllowed = randomBool(rng)
	case RetrieveConf:
		p.TransactionID = maybe(rng, randomText(rng, 1))
		p.MessageID = maybe(rng, randomText(rng, 1))
		p.Date = randomTime(rng)
		from(false)
		p.To, p.Cc = randomAddresses(rng, 0), randomAddresses(rng, 0)
		p.Subject, p.MessageClass, p.Priority = maybe(rng, randomText(rng, 0)), maybe(rng, class), priority
		p.DeliveryReport, p.ReadReport = randomBool(rng), randomBool(rng)
		p.RetrieveStatus = maybe(rng, 0x80|byte(rng.IntN(128)))
		p.RetrieveText = maybe(rng, randomText(rng, 0))
		p.ContentType, p.Parts = randomParts(rng)
	case AcknowledgeInd:
		p.TransactionID = randomText(rng, 1)
		p.ReportAllowed = randomBool(rng)
	case DeliveryInd:
		p.MessageID, p.To, p.Date = randomText(rng, 1), randomAddresses(rng, 1), randomTime(rng)
		p.Status = 0x80 | byte(rng.IntN(8))
	case ReadRecInd, ReadOrigInd:
		p.MessageID, p.To = randomText(rng, 1), randomAddresses(rng, 1)
		from(true)
		p.Date = randomTime(rng)
		if p.Type == ReadRecInd {
			p.Date = maybe(rng, p.Date)
		}
		p.ReadStatus = ReadStatusRead + byte(rng.IntN(2))
	}
	if rng.IntN(4) == 0 {
		p.Unknown = []Header{{Field: 0xBA, Value: []byte{0x80 | byte(rng.IntN(8))}}, {Name: "X-" + randomToken(rng), Value: []byte(randomText(rng, 0))}}
	}
	return p
}
