package mm1_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/mmsenc/tsharktest"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
	"github.com/mmsc-project/mmsc/internal/wappush"
)

// handsetSide serves MM1 with submission over a real store and accept path.
type handsetSide struct {
	st  *store.Store
	srv *httptest.Server
}

func newHandsetSide(t *testing.T, cfg mm1.Config) *handsetSide {
	t.Helper()
	st := storetest.SQLite(t)
	cfg.MSISDNHeaders = []string{"X-MSISDN"}
	cfg.Accept = accept.New(st, accept.Config{LocalNumbers: mms.ParseMasks("+44*"),
		RefuseUnroutable: []mms.Interface{mms.InterfaceMM1}})
	mux := http.NewServeMux()
	mm1.New(st, delivery.NewHandsets(st), cfg, slog.New(slog.DiscardHandler)).Register(mux, "")
	h := &handsetSide{st: st, srv: httptest.NewServer(mux)}
	t.Cleanup(h.srv.Close)
	return h
}

// post sends body as a handset with msisdn ("" for none) and returns the
// HTTP status and the body of the answer. Each of more numbers is one more
// X-MSISDN header.
func (h *handsetSide) post(t *testing.T, msisdn string, body []byte, more ...string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/mms", bytes.NewReader(body))
	req.Header.Set("Content-Type", mmsenc.MediaMMS)
	for _, n := range append([]string{msisdn}, more...) {
		if n != "" {
			req.Header.Add("X-MSISDN", n)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (h *handsetSide) count(t *testing.T) int {
	t.Helper()
	l, err := h.st.Messages(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(l)
}

// photo is an m-send-req as a phone writes one: a SMIL that names its
// parts by file name, a long Content-Location that differs from the
// Content-ID, and a camera photo.
func photo(tid string, size int) *mmsenc.PDU {
	yes := true
	return &mmsenc.PDU{
		Type: mmsenc.SendReq, TransactionID: tid, FromInsert: true,
		To: []string{"+447700900456/TYPE=PLMN"}, Subject: "Grüße", DeliveryReport: &yes, ReadReport: &yes,
		ContentType: `application/vnd.wap.multipart.related; start="<0000>"; type="application/smil"`,
		Parts: []mmsenc.Part{
			{ContentType: "application/smil", ContentID: "<0000>", ContentLocation: "smil.xml",
				Data: []byte(`<smil><body><par><img src="IMG_20261206_120000.jpg"/><text src="text_0.txt"/></par></body></smil>`)},
			{ContentType: "image/jpeg", ContentID: "<1>", ContentLocation: "IMG_20261206_120000.jpg",
				Data: bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0}, size/4)},
			{ContentType: "text/plain; charset=utf-8", ContentID: "<2>", ContentLocation: "text_0.txt", Data: []byte("Saturn!")},
		},
	}
}

// TestSendReq: OMA-TS-MMS_CTR §6.1 as handsets meet it. Every answer is an
// m-send-conf with the request's Transaction-ID; Ok only once the message
// is stored; a refusal says why and stores nothing.
func TestSendReq(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{MaxMessage: 900 << 10})
	var confs [][]byte
	var want []*mmsenc.PDU
	tests := []struct {
		name     string
		msisdn   string
		pdu      func() *mmsenc.PDU
		raw      []byte // instead of pdu
		status   byte
		text     string // a part of the Response-Text
		stored   int    // messages added
		received []string
	}{
		{name: "a photo from a phone", msisdn: "447700900123", pdu: func() *mmsenc.PDU { return photo("T1", 760<<10) },
			status: mmsenc.ResponseOk, stored: 1, received: []string{"+447700900456"}},
		{name: "To, Cc, Bcc in every form", msisdn: "+447700900123", pdu: func() *mmsenc.PDU {
			p := photo("T2", 1000)
			p.FromInsert, p.From = false, "+447700900999/TYPE=PLMN" // a From that is not the sender is replaced
			p.To = []string{"+447700900456/TYPE=PLMN", "447700900457"}
			p.Cc, p.Bcc = []string{"+447700900458/type=plmn"}, []string{"+447700900459/TYPE=PLMN"}
			return p
		}, status: mmsenc.ResponseOk, stored: 1,
			received: []string{"+447700900456", "447700900457", "+447700900458", "+447700900459"}},
		{name: "an e-mail recipient has no route yet", msisdn: "447700900123", pdu: func() *mmsenc.PDU {
			p := photo("T3", 1000)
			p.To = append(p.To, "bob@example.com")
			return p
		}, status: mmsenc.ResponseOk, text: "not sent to bob@example.com: no route", stored: 1,
			received: []string{"+447700900456", "bob@example.com"}},
		{name: "a bad address is named, the rest go", msisdn: "447700900123", pdu: func() *mmsenc.PDU {
			p := photo("T4", 1000)
			p.To = append(p.To, "10.0.0.1/TYPE=IPv4")
			return p
		}, status: mmsenc.ResponseOk, text: `not sent to 10.0.0.1/TYPE=IPv4: address type "TYPE=IPv4" is not taken here`, stored: 1},
		{name: "only unroutable recipients", msisdn: "447700900123", pdu: func() *mmsenc.PDU {
			p := photo("T5", 1000)
			p.To = []string{"bob@example.com"}
			return p
		}, status: mmsenc.ResponseErrorPermanentAddressUnresolved, text: "not sent to bob@example.com: no route"},
		// Our encoder refuses to write this one: type, TID "T6", 1.2,
		// From insert-address, Content-Type text/plain, "hi".
		{name: "no recipient", msisdn: "447700900123", raw: []byte("\x8c\x80\x98T6\x00\x8d\x92\x89\x01\x81\x84\x83hi"),
			status: mmsenc.ResponseErrorPermanentFormatCorrupt, text: "no recipient"},
		{name: "no MSISDN from the gateway", pdu: func() *mmsenc.PDU { return photo("T7", 1000) },
			status: mmsenc.ResponseErrorPermanentAddressUnresolved, text: "no MSISDN from a trusted gateway"},
		{name: "too large", msisdn: "447700900123", pdu: func() *mmsenc.PDU { return photo("T8", 1000<<10) },
			status: mmsenc.ResponseErrorPermanentContentNotAccepted, text: "this MMSC takes at most 921600"},
		{name: "cut off in the body", msisdn: "447700900123", raw: func() []byte {
			b, _ := mmsenc.Encode(photo("T9", 4000))
			return b[:len(b)-100]
		}(), status: mmsenc.ResponseErrorPermanentFormatCorrupt, text: "malformed MMS PDU"},
		{name: "MMS 1.0", msisdn: "447700900123", pdu: func() *mmsenc.PDU {
			p := photo("T10", 1000)
			p.Version = mmsenc.Version10
			return p
		}, status: mmsenc.ResponseOk, stored: 1},
		{name: "the same request again", msisdn: "447700900123", pdu: func() *mmsenc.PDU { return photo("T1", 760<<10) },
			status: mmsenc.ResponseOk},
	}
	ids := map[string]string{}
	for _, tt := range tests {
		body := tt.raw
		if body == nil {
			body = encode(t, tt.pdu())
		}
		before := side.count(t)
		code, answer := side.post(t, tt.msisdn, body)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", tt.name, code, answer)
		}
		conf, err := mmsenc.Decode(answer)
		if err != nil || conf.Type != mmsenc.SendConf {
			t.Fatalf("%s: answer %v, %v; want an m-send-conf", tt.name, conf, err)
		}
		head, _ := mmsenc.DecodeHead(body)
		if conf.TransactionID != head.TransactionID || conf.ResponseStatus != tt.status || !strings.Contains(conf.ResponseText, tt.text) {
			t.Errorf("%s: m-send-conf TID %q status %#x %q; want TID %q status %#x with %q", tt.name, conf.TransactionID,
				conf.ResponseStatus, conf.ResponseText, head.TransactionID, tt.status, tt.text)
		}
		if (conf.MessageID != "") != (tt.status == mmsenc.ResponseOk) {
			t.Errorf("%s: Message-ID %q with status %#x", tt.name, conf.MessageID, conf.ResponseStatus)
		}
		if added := side.count(t) - before; added != tt.stored {
			t.Errorf("%s: %d messages stored, want %d", tt.name, added, tt.stored)
		}
		if head.Version == mmsenc.Version10 && conf.Version != mmsenc.Version10 {
			t.Errorf("%s: answered in version %#x, want the request's 1.0", tt.name, conf.Version)
		}
		if prev, ok := ids[head.TransactionID]; ok && prev != conf.MessageID {
			t.Errorf("%s: Message-ID %q, want the first answer's %q", tt.name, conf.MessageID, prev)
		}
		ids[head.TransactionID] = conf.MessageID
		confs, want = append(confs, answer), append(want, conf)
		if tt.received == nil || conf.MessageID == "" {
			continue
		}
		m, err := side.st.Deliverable(context.Background(), mms.MessageID(conf.MessageID))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rc := range m.Recipients {
			got = append(got, rc.Address)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.received) {
			t.Errorf("%s: recipients %v, want %v", tt.name, got, tt.received)
		}
		sent := tt.pdu()
		if m.Origin != (mms.Origin{Interface: mms.InterfaceMM1}) || m.From != tt.msisdn+"/TYPE=PLMN" || m.EnvelopeFrom != tt.msisdn ||
			m.Subject != sent.Subject || !m.DeliveryReport || !m.ReadReply || len(m.Parts) != len(sent.Parts) {
			t.Errorf("%s: stored %+v", tt.name, m.Origin)
		}
		for _, bcc := range sent.Bcc {
			if strings.Contains(fmt.Sprint(m.To, m.Cc), bcc) {
				t.Errorf("%s: Bcc %s shown in To/Cc %v %v", tt.name, bcc, m.To, m.Cc)
			}
		}
		for i, p := range m.Parts {
			sp := sent.Parts[i]
			if p.ContentID != sp.ContentID || p.ContentLocation != sp.ContentLocation || !bytes.Equal(p.Data, sp.Data) {
				t.Errorf("%s: part %d %s %s %d octets, sent %s %s %d", tt.name, i, p.ContentID, p.ContentLocation, len(p.Data),
					sp.ContentID, sp.ContentLocation, len(sp.Data))
			}
		}
		if !strings.HasPrefix(m.ContentType, "multipart/related") || !strings.Contains(m.ContentType, "<0000>") {
			t.Errorf("%s: content type %q, want multipart/related with its start", tt.name, m.ContentType)
		}
	}
	tsharkChecksConfs(t, confs, want)
}

// tsharkChecksConfs has tshark decode every m-send-conf (or
// m-forward-conf) we answered.
func tsharkChecksConfs(t *testing.T, confs [][]byte, want []*mmsenc.PDU) {
	tshark := tsharktest.Require(t)
	frames := make([][]byte, len(confs))
	for i, c := range confs {
		var err error
		if frames[i], err = mmsenc.Push(0x01, mmsenc.MediaMMS, mmsenc.AppIDMMS, c); err != nil {
			t.Fatal(err)
		}
	}
	rows := tsharktest.Fields(t, tshark, "wsp-cl", time.Now(), frames, []string{"mmse.message_type", "mmse.transaction_id",
		"mmse.response_status", "mmse.response_text", "mmse.message_id"})
	for i, p := range want {
		w := map[string]string{"mmse.message_type": fmt.Sprintf("0x%02x", byte(p.Type)), "mmse.transaction_id": p.TransactionID,
			"mmse.response_status": fmt.Sprintf("0x%02x", p.ResponseStatus), "mmse.response_text": p.ResponseText,
			"mmse.message_id": p.MessageID}
		for f, v := range w {
			if rows[i][f] != v {
				t.Errorf("m-send-conf %d: tshark reads %s = %q, we meant %q", i+1, f, rows[i][f], v)
			}
		}
	}
}

// TestSendReqUntrustedGateway: an MSISDN header from a peer that is not a
// trusted proxy proves nothing; the submission is refused, and the same
// header no longer binds a retrieval to its recipient.
func TestSendReqUntrustedGateway(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	code, answer := side.post(t, "447700900123", encode(t, photo("U1", 1000)))
	conf, err := mmsenc.Decode(answer)
	if code != http.StatusOK || err != nil || conf.ResponseStatus != mmsenc.ResponseErrorPermanentAddressUnresolved {
		t.Fatalf("HTTP %d, %+v, %v; want an m-send-conf refusing the sender", code, conf, err)
	}
	if n := side.count(t); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
	// Retrieval: the header would name the wrong subscriber (403 from a
	// trusted gateway), but from this peer it is not evidence at all.
	m := &mms.Message{Origin: mms.Origin{Interface: mms.InterfaceMM4}, Raw: []byte("x"),
		Recipients: []mms.Recipient{{Address: "+447700900456"}}, Parts: []mms.Part{{ContentType: "text/plain", Data: []byte("hi")}}}
	if _, err := accept.New(side.st, accept.Config{}).Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, side.srv.URL+"/mms/"+m.Recipients[0].Token, nil)
	req.Header.Set("X-MSISDN", "+447700900999")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("retrieval with an untrusted MSISDN header: HTTP %d, want 200 (the header ignored)", resp.StatusCode)
	}
}

// TestSendReqTwoMSISDNs: a gateway request that names the sender twice,
// differently, does not say who sent it: refused, nothing stored.
func TestSendReqTwoMSISDNs(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{})
	code, answer := side.post(t, "447700900123", encode(t, photo("M2", 1000)), "447700900999")
	conf, err := mmsenc.Decode(answer)
	if code != http.StatusOK || err != nil || conf.ResponseStatus != mmsenc.ResponseErrorPermanentAddressUnresolved ||
		!strings.Contains(conf.ResponseText, "more than once") {
		t.Fatalf("HTTP %d, %+v, %v; want an m-send-conf refusing the sender", code, conf, err)
	}
	if n := side.count(t); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
}

// TestSendReqGarbage: what is not an MMS PDU at all gets HTTP 400: there
// is no Transaction-ID to answer with.
func TestSendReqGarbage(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{})
	if code, _ := side.post(t, "447700900123", []byte("GET / HTTP/1.0\r\n\r\n")); code != http.StatusBadRequest {
		t.Errorf("HTTP %d, want 400", code)
	}
}

// TestSendReqDeliveryTime: a handset that asks for a later delivery
// (X-Mms-Delivery-Time) has its recipients notified no sooner.
func TestSendReqDeliveryTime(t *testing.T) {
	// The accept path reads the real clock: so does the test.
	now := time.Now().Truncate(time.Second)
	side := newHandsetSide(t, mm1.Config{})
	for _, tt := range []struct {
		name string
		set  func(*mmsenc.PDU)
	}{
		{"relative", func(p *mmsenc.PDU) { p.DeliveryTimeRelative = 2 * time.Hour }},
		{"absolute", func(p *mmsenc.PDU) { p.DeliveryTime = now.Add(2 * time.Hour) }},
	} {
		p := photo("D-"+tt.name, 1000)
		tt.set(p)
		_, answer := side.post(t, "447700900123", encode(t, p))
		conf, err := mmsenc.Decode(answer)
		if err != nil || conf.ResponseStatus != mmsenc.ResponseOk {
			t.Fatalf("%s: %+v %v", tt.name, conf, err)
		}
		sum, err := side.st.Messages(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sum {
			if due := s.Recipients[0].NextAttempt.Sub(now.Add(2 * time.Hour)); string(s.ID) == conf.MessageID && (due < 0 || due > 5*time.Second) {
				t.Errorf("%s: first attempt due %v, want the delivery time %v", tt.name, s.Recipients[0].NextAttempt, now.Add(2*time.Hour))
			}
		}
	}
}

// TestSendReqHiddenSender: Sender-Visibility Hide keeps the sender out of
// what the recipients get, the notification and the retrieve-conf.
func TestSendReqHiddenSender(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{})
	p := photo("H1", 1000)
	p.SenderVisibility = mmsenc.SenderHide
	_, answer := side.post(t, "447700900123", encode(t, p))
	conf, err := mmsenc.Decode(answer)
	if err != nil || conf.ResponseStatus != mmsenc.ResponseOk {
		t.Fatalf("%+v %v", conf, err)
	}
	m, err := side.st.Deliverable(context.Background(), mms.MessageID(conf.MessageID))
	if err != nil {
		t.Fatal(err)
	}
	n := wappush.Notification(m, mms.Delivery{Token: m.Recipients[0].Token}, "http://mmsc.example.net")
	if !m.SenderHidden || n.From != "" || mm1.RetrieveConf(m, "t").From != "" {
		t.Errorf("hidden %v; notification From %q, retrieve-conf From %q; want both empty", m.SenderHidden, n.From,
			mm1.RetrieveConf(m, "t").From)
	}
}

// TestSendReqStoreTrouble: when the message cannot be stored the phone is
// told to try again (Error-transient-failure), with HTTP 200.
func TestSendReqStoreTrouble(t *testing.T) {
	side := newHandsetSide(t, mm1.Config{})
	side.st.Close()
	code, answer := side.post(t, "447700900123", encode(t, photo("X1", 1000)))
	conf, err := mmsenc.Decode(answer)
	if code != http.StatusOK || err != nil || conf.ResponseStatus != mmsenc.ResponseErrorTransientFailure {
		t.Errorf("HTTP %d, %+v, %v; want an m-send-conf saying Error-transient-failure", code, conf, err)
	}
}
