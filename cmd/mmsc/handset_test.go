package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/mmsenc/tsharktest"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// handsetPost POSTs a PDU to the MMSC as the handset with msisdn, through
// a gateway on this host (a trusted proxy), and returns the answer.
func handsetPost(t *testing.T, httpAddr, msisdn string, p *mmsenc.PDU) *mmsenc.PDU {
	t.Helper()
	body, err := mmsenc.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+httpAddr+"/mms", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.wap.mms-message")
	req.Header.Set("X-MSISDN", msisdn)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	answer, err := mmsenc.Decode(b)
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("POST %v: HTTP %d %q, %v", p.Type, resp.StatusCode, b, err)
	}
	return answer
}

// pushesTo decodes each one-SMS WAP Push the SMSC got for dest.
func pushesTo(t *testing.T, subs []smsctest.Submit, dest string) (pdus []*mmsenc.PDU, frames [][]byte) {
	t.Helper()
	for _, s := range subs {
		if s.DestAddr != dest {
			continue
		}
		push, err := mmsenc.ReassembleSMS([][]byte{s.ShortMessage})
		if err != nil {
			t.Fatalf("push to %s: %v", dest, err)
		}
		_, _, _, body, err := mmsenc.ParsePush(push)
		if err != nil {
			t.Fatalf("WSP push to %s: %v", dest, err)
		}
		p, err := mmsenc.Decode(body)
		if err != nil {
			t.Fatalf("PDU pushed to %s: %v", dest, err)
		}
		pdus, frames = append(pdus, p), append(frames, push)
	}
	return pdus, frames
}

// TestHandsetToHandset is person-to-person MMS over MM1: handset A sends a
// photo; B is notified through the SMSC, fetches it with every part as
// sent, acknowledges it and says it was read; A's phone gets an
// m-delivery-ind and an m-read-orig-ind naming the Message-ID its
// m-send-conf gave. tshark decodes both.
func TestHandsetToHandset(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	addrs := serveInProcess(t, path)
	const a, b = "447700900123", "447700900456"

	img := make([]byte, 700<<10) // a camera photo
	rand.Read(img)
	yes := true
	sent := &mmsenc.PDU{Type: mmsenc.SendReq, TransactionID: "A-1", FromInsert: true, To: []string{"+" + b + "/TYPE=PLMN"},
		Subject: "Saturn", DeliveryReport: &yes, ReadReport: &yes,
		ContentType: `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`,
		Parts: []mmsenc.Part{
			{ContentType: "application/smil", ContentID: "<smil>", ContentLocation: "smil.xml",
				Data: []byte(`<smil><body><par><img src="IMG_0001.jpg"/></par></body></smil>`)},
			{ContentType: "image/jpeg", ContentID: "<img1>", ContentLocation: "IMG_0001.jpg", Data: img},
		}}
	conf := handsetPost(t, addrs["HTTP"], a, sent)
	if conf.Type != mmsenc.SendConf || conf.ResponseStatus != mmsenc.ResponseOk || conf.TransactionID != "A-1" || conf.MessageID == "" {
		t.Fatalf("m-send-conf %+v, want Ok with a Message-ID", conf)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := notification(t, subs, b)
	if n.From != "+"+a+"/TYPE=PLMN" && n.From != a+"/TYPE=PLMN" || n.Subject != "Saturn" {
		t.Errorf("B's notification from %q subject %q, want A's number and the subject", n.From, n.Subject)
	}

	req, _ := http.NewRequest(http.MethodGet, fetchURL(t, addrs["HTTP"], n.ContentLocation), nil)
	req.Header.Set("X-MSISDN", b)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rconf, err := mmsenc.Decode(body)
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("B's fetch: HTTP %d, %v", resp.StatusCode, err)
	}
	if rconf.MessageID != conf.MessageID || len(rconf.Parts) != len(sent.Parts) {
		t.Fatalf("m-retrieve-conf %q with %d parts, want %q with %d", rconf.MessageID, len(rconf.Parts), conf.MessageID, len(sent.Parts))
	}
	for i, p := range sent.Parts {
		got := rconf.Parts[i]
		if !bytes.Equal(got.Data, p.Data) || got.ContentID != p.ContentID || got.ContentLocation != p.ContentLocation {
			t.Errorf("part %d: %s %s %d octets, sent %s %s %d", i, got.ContentID, got.ContentLocation, len(got.Data),
				p.ContentID, p.ContentLocation, len(p.Data))
		}
	}

	handsetPost(t, addrs["HTTP"], b, &mmsenc.PDU{Type: mmsenc.AcknowledgeInd, TransactionID: rconf.TransactionID})
	handsetPost(t, addrs["HTTP"], b, &mmsenc.PDU{Type: mmsenc.ReadRecInd, Version: mmsenc.Version12, MessageID: conf.MessageID,
		To: []string{"+" + a + "/TYPE=PLMN"}, FromInsert: true, ReadStatus: mmsenc.ReadStatusRead})

	var reports []*mmsenc.PDU
	var frames [][]byte
	err = smsc.Wait(ctx, func() bool {
		reports, frames = pushesTo(t, smsc.Submits(), a)
		return len(reports) >= 2
	})
	if err != nil {
		t.Fatalf("A got %d reports, want a delivery and a read report: %v", len(reports), err)
	}
	byType := map[mmsenc.MessageType]*mmsenc.PDU{}
	for _, r := range reports {
		byType[r.Type] = r
	}
	if d := byType[mmsenc.DeliveryInd]; d == nil || d.MessageID != conf.MessageID || d.Status != mmsenc.StatusRetrieved ||
		fmt.Sprint(d.To) != "[+"+b+"/TYPE=PLMN]" {
		t.Errorf("m-delivery-ind %+v, want Retrieved for %s about %s", d, b, conf.MessageID)
	}
	if r := byType[mmsenc.ReadOrigInd]; r == nil || r.MessageID != conf.MessageID || r.ReadStatus != mmsenc.ReadStatusRead {
		t.Errorf("m-read-orig-ind %+v, want Read about %s", r, conf.MessageID)
	}

	tshark := tsharktest.Require(t)
	rows := tsharktest.Fields(t, tshark, "wsp-cl", time.Now(), frames, []string{"mmse.message_type", "mmse.message_id"})
	for i, r := range reports {
		if rows[i]["mmse.message_type"] != fmt.Sprintf("0x%02x", byte(r.Type)) || rows[i]["mmse.message_id"] != conf.MessageID {
			t.Errorf("tshark reads push %d to A as %v, want %v about %s", i+1, rows[i], r.Type, conf.MessageID)
		}
	}
}

// TestHandsetVerbs: "mmsc handset send" and "mmsc handset fetch" do what a
// phone does, so the README's try works without one: the photo sent
// arrives at B's fetch byte for byte.
func TestHandsetVerbs(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	addrs := serveInProcess(t, path)
	dir := t.TempDir()
	photo := make([]byte, 50<<10)
	rand.Read(photo)
	file := filepath.Join(dir, "saturn.jpg")
	if err := os.WriteFile(file, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := mmsc(t, "", "handset", "send", "-url", "http://"+addrs["HTTP"]+"/mms", "-msisdn", "447700900123",
		"-to", "+447700900456", "-subject", "Saturn", "-text", "Rings!", "-delivery-report", file)
	if err != nil || !strings.Contains(out, "Response-Status: Ok") || !strings.Contains(out, "Message-ID:") {
		t.Fatalf("handset send: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := notification(t, subs, "447700900456")
	saved := filepath.Join(dir, "fetched")
	out, err = mmsc(t, "", "handset", "fetch", fetchURL(t, addrs["HTTP"], n.ContentLocation), "-msisdn", "447700900456", "-out", saved)
	if err != nil || !strings.Contains(out, "Subject:         Saturn") {
		t.Fatalf("handset fetch: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(saved, "saturn.jpg"))
	if err != nil || !bytes.Equal(got, photo) {
		t.Errorf("saved photo: %d octets, %v; want the %d sent", len(got), err, len(photo))
	}
	// A refusal is an error, with the status spelled out.
	out, err = mmsc(t, "", "handset", "send", "-url", "http://"+addrs["HTTP"]+"/mms", "-msisdn", "447700900123",
		"-to", "bob@example.com", "-text", "hi")
	if err == nil || !strings.Contains(out, "Error-permanent-sending-address-unresolved") {
		t.Errorf("handset send to an unroutable address: %v\n%s", err, out)
	}
}

// TestHandsetToPeer: a handset's message for a number behind a peer MMSC
// goes out as an MM4_forward.REQ from the handset's number at our domain,
// carrying its delivery- and read-report requests, with every part as sent.
func TestHandsetToPeer(t *testing.T) {
	peer := startPeer(t)
	path, _ := writeConfig(t, "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	if out, err := mmsc(t, "", "route", "add", "pl", "-match", "+48*", "-host", peer.addr, "-domain", "mms.mnc001.mcc260.gprs",
		"-tls", "none", "-config", path); err != nil {
		t.Fatalf("route add: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	yes := true
	sent := &mmsenc.PDU{Type: mmsenc.SendReq, TransactionID: "P-1", FromInsert: true, To: []string{"+48600100200/TYPE=PLMN"},
		Subject: "Cześć", DeliveryReport: &yes, ReadReport: &yes, ContentType: mmsenc.MediaMultipartMixed,
		Parts: []mmsenc.Part{{ContentType: "text/plain; charset=utf-8", ContentLocation: "text.txt", Data: []byte("Dzień dobry")}}}
	if conf := handsetPost(t, addrs["HTTP"], "447700900123", sent); conf.ResponseStatus != mmsenc.ResponseOk {
		t.Fatalf("m-send-conf %+v", conf)
	}
	got := peer.wait(t, 1)
	pdu, err := mm4.ParseAny(got.data, time.Now())
	if err != nil || pdu.Forward == nil {
		t.Fatalf("the peer got no MM4_forward.REQ: %v", err)
	}
	fwd := pdu.Forward
	if got.from != "447700900123/TYPE=PLMN@mms.example.net" || !fwd.DeliveryReport || !fwd.ReadReply || fwd.Subject != "Cześć" ||
		len(fwd.Parts) != 1 || !bytes.Equal(fwd.Parts[0].Data, sent.Parts[0].Data) {
		t.Errorf("forward from %q, delivery report %v, read reply %v, subject %q, %d parts", got.from, fwd.DeliveryReport,
			fwd.ReadReply, fwd.Subject, len(fwd.Parts))
	}
}
