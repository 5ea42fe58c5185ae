package mm1_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// TestForwardReq: OMA-TS-MMS_CTR §6.5 — a recipient forwards a message it
// was notified of without fetching it; the new message carries the
// original content, from the forwarder, to the new recipients. Nobody else
// may forward it, and a location that names nothing is not found.
func TestForwardReq(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{})
	ctx := context.Background()
	orig := &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4}, Subject: "Saturn", Raw: []byte("x"),
		From: "+447779998888/TYPE=PLMN@mms.example.net", Recipients: []mms.Recipient{{Address: "+447700900456"}},
		ContentType: `multipart/related; start="<smil>"; type="application/smil"`,
		Parts: []mms.Part{{ContentType: "application/smil", ContentID: "<smil>", Data: []byte("<smil/>")},
			{ContentType: "image/jpeg", ContentLocation: "saturn.jpg", Data: bytes.Repeat([]byte{0xff}, 3000)}}}
	if _, err := accept.New(side.st, accept.Config{}).Accept(ctx, orig); err != nil {
		t.Fatal(err)
	}
	location := "http://mms.example.net/mms/" + orig.Recipients[0].Token
	yes := true
	req := func(tid, location string) []byte {
		return encode(t, &mmsenc.PDU{Type: mmsenc.ForwardReq, TransactionID: tid, Version: mmsenc.Version11, FromInsert: true,
			To: []string{"+447700900789/TYPE=PLMN"}, DeliveryReport: &yes, ContentLocation: location})
	}
	tests := []struct {
		name, msisdn string
		body         []byte
		status       byte
	}{
		{"the recipient forwards", "447700900456", req("F1", location), mmsenc.ResponseOk},
		{"a stranger may not", "447700900999", req("F2", location), mmsenc.ResponseErrorPermanentNotFound},
		{"a location that names nothing", "447700900456", req("F3", "http://mms.example.net/mms/nothing"), mmsenc.ResponseErrorPermanentNotFound},
		{"no MSISDN", "", req("F4", location), mmsenc.ResponseErrorPermanentAddressUnresolved},
	}
	var confs [][]byte
	var want []*mmsenc.PDU
	for _, tt := range tests {
		before := side.count(t)
		_, answer := side.post(t, tt.msisdn, tt.body)
		conf, err := mmsenc.Decode(answer)
		if err != nil || conf.Type != mmsenc.ForwardConf || conf.ResponseStatus != tt.status {
			t.Fatalf("%s: %+v, %v; want an m-forward-conf with status %#x", tt.name, conf, err, tt.status)
		}
		confs, want = append(confs, answer), append(want, conf)
		if tt.status != mmsenc.ResponseOk {
			if side.count(t) != before {
				t.Errorf("%s: a message was stored", tt.name)
			}
			continue
		}
		m, err := side.st.Deliverable(ctx, mms.MessageID(conf.MessageID))
		if err != nil {
			t.Fatal(err)
		}
		if m.From != "447700900456/TYPE=PLMN" || m.Subject != "Saturn" || len(m.Recipients) != 1 ||
			m.Recipients[0].Address != "+447700900789" || !m.DeliveryReport || len(m.Parts) != 2 ||
			!bytes.Equal(m.Parts[1].Data, orig.Parts[1].Data) || m.ContentType != orig.ContentType {
			t.Errorf("%s: forwarded as from %q subject %q to %v, %d parts, %q", tt.name, m.From, m.Subject, m.Recipients,
				len(m.Parts), m.ContentType)
		}
	}
	tsharkChecksConfs(t, confs, want)

	// A VASP's message that may not be sent on (DistributionIndicator false).
	locked := &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM7, Account: "news"}, Raw: []byte("x"),
		Service: mms.Service{NoDistribution: true}, Recipients: []mms.Recipient{{Address: "+447700900456"}},
		Parts: []mms.Part{{ContentType: "text/plain", Data: []byte("exclusive")}}}
	if _, err := accept.New(side.st, accept.Config{}).Accept(ctx, locked); err != nil {
		t.Fatal(err)
	}
	_, answer := side.post(t, "447700900456", req("F5", "http://mms.example.net/mms/"+locked.Recipients[0].Token))
	if conf, err := mmsenc.Decode(answer); err != nil || conf.ResponseStatus != mmsenc.ResponseErrorPermanentServiceDenied {
		t.Errorf("forwarding a message that may not be sent on: %+v %v, want Error-permanent-service-denied", conf, err)
	}
}
