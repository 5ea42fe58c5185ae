package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// open returns a store on dir that is closed when the test ends.
func open(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// t0 is a fixed, millisecond-exact UTC time: what the store gives back.
var t0 = time.Date(2025, 11, 26, 9, 30, 0, 123e6, time.UTC)

var idSeq atomic.Int64

// testID returns a unique message ID that sorts after earlier ones.
func testID() mms.MessageID {
	return mms.MessageID(fmt.Sprintf("m%09d", idSeq.Add(1)))
}

// fullMessage sets every field of mms.Message to something distinctive.
func fullMessage(id mms.MessageID, received time.Time) *mms.Message {
	return &mms.Message{
		ID:           id,
		Origin:       mms.Origin{Interface: mms.InterfaceMM4, Account: "vasp1"},
		Service:      mms.Service{VASPID: "news", ServiceCode: "daily", LinkedID: "06h1", ChargedParty: "Sender", NoDistribution: true},
		Received:     received,
		EnvelopeFrom: "+447700900123/TYPE=PLMN@mms.example.net",
		Recipients: []mms.Recipient{
			{Address: "+447700900456", Route: mms.RouteMM1, State: mms.StateQueued, Token: "tok-" + string(id), TransactionID: "tid-" + string(id)},
			{Address: "+447700900789", Route: mms.RouteWAPPush, State: mms.StateQueued},
		},
		MessageType:      "MM4_forward.REQ",
		MMSVersion:       "6.3.0",
		TransactionID:    "tx-" + string(id),
		MM4MessageID:     "mm4-" + string(id),
		SMTPMessageID:    string(id) + "@mms.example.net",
		From:             "Ann <+447700900123/TYPE=PLMN@mms.example.net>",
		To:               []string{"+447700900456/TYPE=PLMN@mms.example.net", "Bob\nNewline <b@example.net>"},
		Cc:               []string{"+447700900789/TYPE=PLMN@mms.example.net"},
		Subject:          "Grüße ✓",
		Date:             received.Add(-time.Minute),
		MessageClass:     "Personal",
		Priority:         "High",
		Expiry:           received.Add(72 * time.Hour),
		AckRequest:       true,
		DeliveryReport:   true,
		ReadReply:        true,
		OriginatorSystem: "system-user@mms.example.net",
		Sender:           "sender@mms.example.net",
		SenderHidden:     true,
		ForwardCounter:   2,
		ContentType:      `multipart/related; start="<smil>"; type="application/smil"`,
		Parts: []mms.Part{
			{ContentType: "application/smil", Name: "a.smil", ContentLocation: "a.smil", ContentID: "<smil>", Data: []byte("<smil></smil>")},
			{ContentType: "text/plain; charset=utf-8", Name: "t.txt", ContentLocation: "t.txt", ContentID: "<t>", Data: []byte("hello\x00 ✓")},
			{ContentType: "image/jpeg", Name: "p.jpg", ContentLocation: "p.jpg", ContentID: "<p>", Data: bytes.Repeat([]byte{0xff, 0xd8, 0, 1}, 2000)},
		},
		Raw:         []byte("X-Mms-Message-Type: MM4_forward.REQ\r\n\r\nbody " + string(id)),
		ContentSize: 13 + 11 + 8000,
	}
}

// sizedMessage is a message of about the benchmark's shape: rawSize bytes of
// raw MM4 and a text part plus a picture of partSize bytes, one recipient.
func sizedMessage(id mms.MessageID, received time.Time, rawSize, partSize int) *mms.Message {
	m := fullMessage(id, received)
	m.Recipients = m.Recipients[:1]
	m.Raw = make([]byte, rawSize)
	rand.Read(m.Raw)
	pic := make([]byte, partSize)
	rand.Read(pic)
	m.Parts = []mms.Part{
		{ContentType: "text/plain; charset=utf-8", Name: "t.txt", ContentID: "<t>", Data: []byte("Hello from the benchmark")},
		{ContentType: "image/jpeg", Name: "p.jpg", ContentID: "<p>", Data: pic},
	}
	m.ContentSize = int64(len(m.Parts[0].Data) + partSize)
	return m
}

// stored is m as the store gives it back: recipients without a state are
// queued, and ContentSize is the total of the parts.
func stored(m *mms.Message) *mms.Message {
	c := *m
	c.Recipients = append([]mms.Recipient(nil), m.Recipients...)
	for i := range c.Recipients {
		if c.Recipients[i].State == "" {
			c.Recipients[i].State = mms.StateQueued
		}
	}
	c.ContentSize = 0
	for _, p := range m.Parts {
		c.ContentSize += int64(len(p.Data))
	}
	return &c
}

// openAccepted opens a fresh store on bk holding one accepted fullMessage,
// received at t0: the start of most tests of what follows an accept.
func openAccepted(t *testing.T, bk backend) (*Store, *mms.Message) {
	t.Helper()
	s := bk.open(t, bk.fresh(t))
	m := fullMessage(testID(), t0)
	if err := s.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return s, m
}
