package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/mmsenc/tsharktest"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// deliveryConfig is a server with an SMSC and +4477… as its subscribers,
// and the extra sections given.
func deliveryConfig(t *testing.T, smscAddr string, extra ...string) string {
	t.Helper()
	path, _ := writeConfig(t, fmt.Sprintf(`
[smpp]
address = %q
system_id = "mmsc"
password = "secret"
[mm1]
local_numbers = ["+4477*"]
`, smscAddr)+strings.Join(extra, "\n"))
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	return path
}

// submitTo sends msg over SMTP to the recipients and returns its ID.
func submitTo(t *testing.T, addr string, msg []byte, to ...string) mms.MessageID {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Mail("+447779998888/TYPE=PLMN@mms.example.net", nil); err != nil {
		t.Fatal(err)
	}
	for _, rc := range to {
		if err := c.Rcpt(rc, nil); err != nil {
			t.Fatal(err)
		}
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(msg)
	resp, err := w.CloseWithResponse()
	if err != nil {
		t.Fatal(err)
	}
	m := idRE.FindStringSubmatch(resp.StatusText)
	if m == nil {
		t.Fatalf("no message ID in %q", resp.StatusText)
	}
	return mms.MessageID(m[1])
}

// notification reassembles the SMS the SMSC got for dest and decodes the
// WAP Push and the m-notification-ind in it, checking the framing a
// handset relies on.
func notification(t *testing.T, subs []smsctest.Submit, dest string) (*mmsenc.PDU, []byte) {
	t.Helper()
	var segs [][]byte
	for _, s := range subs {
		if s.DestAddr != dest {
			continue
		}
		if s.ESMClass != 0x40 || s.DataCoding != 0x04 || s.DestTON != 1 || s.DestNPI != 1 || s.RegisteredDelivery != 1 {
			t.Errorf("submit_sm to %s: esm_class %#x data_coding %#x dest TON/NPI %d/%d registered_delivery %d; want 0x40 0x04 1/1 1",
				dest, s.ESMClass, s.DataCoding, s.DestTON, s.DestNPI, s.RegisteredDelivery)
		}
		segs = append(segs, s.ShortMessage)
	}
	if len(segs) == 0 {
		t.Fatalf("no SMS to %s", dest)
	}
	push, err := mmsenc.ReassembleSMS(segs)
	if err != nil {
		t.Fatalf("reassemble %d segments: %v", len(segs), err)
	}
	_, ct, app, body, err := mmsenc.ParsePush(push)
	if err != nil {
		t.Fatalf("WSP push: %v", err)
	}
	if ct != "application/vnd.wap.mms-message" || app != "x-wap-application:mms.ua" {
		t.Errorf("push content type %q application %q", ct, app)
	}
	p, err := mmsenc.Decode(body)
	if err != nil {
		t.Fatalf("m-notification-ind: %v", err)
	}
	return p, push
}

// fetchPath turns a Content-Location into a URL on the test's listener:
// local_host in the configuration is not a name this machine resolves.
func fetchURL(t *testing.T, httpAddr, contentLocation string) string {
	t.Helper()
	u, err := url.Parse(contentLocation)
	if err != nil {
		t.Fatalf("Content-Location %q: %v", contentLocation, err)
	}
	if u.Host != "mmsc.example.net:"+portOf(httpAddr) {
		t.Errorf("Content-Location host %q, want local_host at the HTTP port", u.Host)
	}
	return "http://" + httpAddr + u.Path
}

func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// recipients reads the recipients of message id from "mmsc messages -json".
func recipients(t *testing.T, path string, id mms.MessageID) []admin.Recipient {
	t.Helper()
	out, err := mmsc(t, "", "messages", "-json", "-limit", "100", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m admin.Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m.ID == string(id) {
			return m.Recipients
		}
	}
	t.Fatalf("message %s not listed", id)
	return nil
}

// waitRecipient waits until recipient i of id satisfies ok, and returns it.
func waitRecipient(t *testing.T, path string, id mms.MessageID, i int, ok func(admin.Recipient) bool) admin.Recipient {
	t.Helper()
	var rc admin.Recipient
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if rc = recipients(t, path, id)[i]; ok(rc) {
			return rc
		}
	}
	t.Fatalf("recipient %d of %s never got there: %+v", i, id, rc)
	return rc
}

// TestDeliverToHandset is the whole MM1 path: MM4 submission → WAP Push at
// the SMSC → GET of the Content-Location → every part as submitted →
// acknowledgement → retrieved; a number that is not ours fails at once.
func TestDeliverToHandset(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	addrs := serveInProcess(t, path)

	img := make([]byte, 20<<10)
	rand.Read(img)
	// A long subject makes the notification span two SMS.
	subject := "Science news: new Saturn pictures from the probe, with a long caption that will not fit"
	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
		Subject: subject, Text: "Grüße vom Saturn",
		Files: []mm4.File{{Name: "saturn.jpg", ContentType: "image/jpeg", Data: img}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := mm4.Parse(msg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999/TYPE=PLMN@mms.example.net", "+15550100/TYPE=PLMN@mms.example.net")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	n, push := notification(t, subs, "447778889999")
	if len(subs) != 2 {
		t.Errorf("%d submit_sm, want the 2 segments of one notification", len(subs))
	}
	rc := recipients(t, path, id)
	if rc[1].State != "failed" || rc[1].LastError != "no route" || rc[1].Route != "none" {
		t.Errorf("non-local recipient %+v, want failed with \"no route\"", rc[1])
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"type", n.Type, mmsenc.NotificationInd},
		{"from", n.From, "+447779998888/TYPE=PLMN"},
		{"subject", n.Subject, subject},
		{"class", n.MessageClass, "Personal"},
		{"size", n.MessageSize, int64(len(want.Parts[0].Data) + len(want.Parts[1].Data) + len(want.Parts[2].Data))},
		{"expiry in retention", n.Expiry.After(time.Now().Add(14 * 24 * time.Hour)), true},
		{"transaction id", len(n.TransactionID), 12},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("notification %s = %v, want %v", c.what, c.got, c.want)
		}
	}

	// The SMSC's receipt for the push is recorded against the recipient.
	if err := smsc.SendReceipt(subs[len(subs)-1].MessageID, "DELIVRD"); err != nil {
		t.Fatal(err)
	}
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.SMSStatus == "DELIVRD" })

	// The wrong subscriber behind the gateway is refused.
	req, _ := http.NewRequest(http.MethodGet, fetchURL(t, addrs["HTTP"], n.ContentLocation), nil)
	req.Header.Set("X-WAP-Network-Client-MSISDN", "447778880000")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("GET as another subscriber: %v, %v; want 403", resp, err)
	}
	req.Header.Set("X-WAP-Network-Client-MSISDN", "447778889999")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.wap.mms-message" {
		t.Fatalf("GET: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rconf, err := mmsenc.Decode(body)
	if err != nil {
		t.Fatalf("m-retrieve-conf: %v", err)
	}
	if rconf.Type != mmsenc.RetrieveConf || rconf.MessageID != string(id) || rconf.TransactionID != n.TransactionID || rconf.Subject != subject {
		t.Errorf("m-retrieve-conf: type %v, message id %q, tid %q, subject %q", rconf.Type, rconf.MessageID, rconf.TransactionID, rconf.Subject)
	}
	if len(rconf.Parts) != len(want.Parts) {
		t.Fatalf("%d parts, want %d", len(rconf.Parts), len(want.Parts))
	}
	for i, p := range want.Parts {
		if !bytes.Equal(rconf.Parts[i].Data, p.Data) {
			t.Errorf("part %d (%s): %d bytes, not the %d submitted", i, p.ContentType, len(rconf.Parts[i].Data), len(p.Data))
		}
	}
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "retrieved" })
	oracle(t, n, push, body, rc[0].Token, addrs["HTTP"], want, id)

	ack, err := mmsenc.Encode(&mmsenc.PDU{Type: mmsenc.AcknowledgeInd, TransactionID: n.TransactionID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Post("http://"+addrs["HTTP"]+"/mms", "application/vnd.wap.mms-message", bytes.NewReader(ack))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST m-acknowledge-ind: %v %v", resp, err)
	}
	rc = recipients(t, path, id)
	if rc[0].State != "retrieved" || rc[0].Notifications != 1 || rc[0].NextAttempt != nil {
		t.Errorf("after the acknowledgement: %+v, want retrieved after one notification", rc[0])
	}

	// Each step is in the recipients' history, told by the one node (the
	// acknowledgement after the fetch changed nothing).
	events := history(t, path, id)
	var got []string
	for _, e := range events {
		got = append(got, e.Address+" "+string(e.Kind))
		if e.Node == "" || e.Node != events[0].Node {
			t.Errorf("event %+v: node %q, want this node's %q", e, e.Node, events[0].Node)
		}
	}
	wantEvents := []string{"+447778889999 accepted", "+15550100 unroutable", "+447778889999 notified",
		"+447778889999 receipt", "+447778889999 retrieved"}
	if !slices.Equal(got, wantEvents) {
		t.Errorf("events %q, want %q", got, wantEvents)
	}
}

// history is the event history of message id in the store of the
// configuration at path.
func history(t *testing.T, path string, id mms.MessageID) []mms.Event {
	t.Helper()
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cfg.openStore(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, err := st.Events(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestSMSCRefusals: a throttled submit stays queued with the reason and is
// retried; a permanent refusal fails the recipient with the SMPP status.
func TestSMSCRefusals(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	smsc.SetHandler(func(s smsctest.Submit) uint32 {
		switch s.DestAddr {
		case "447778880001":
			return 0x58 // ESME_RTHROTTLED
		case "447778880002":
			return 0x0B // ESME_RINVDSTADR
		}
		return 0
	})
	path := deliveryConfig(t, smsc.Addr())
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+447778880001/TYPE=PLMN@mms.example.net"}, Subject: "hi", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778880001/TYPE=PLMN@mms.example.net", "+447778880002/TYPE=PLMN@mms.example.net")
	throttled := waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.LastError != "" })
	if throttled.State != "queued" || !strings.Contains(throttled.LastError, "ESME_RTHROTTLED") || throttled.NextAttempt == nil {
		t.Errorf("throttled recipient %+v, want queued with ESME_RTHROTTLED and a next attempt", throttled)
	}
	refused := waitRecipient(t, path, id, 1, func(r admin.Recipient) bool { return r.State != "queued" })
	if refused.State != "failed" || !strings.Contains(refused.LastError, "ESME_RINVDSTADR (0x0000000B)") {
		t.Errorf("refused recipient %+v, want failed with the SMPP status", refused)
	}
}

// TestSMSCAbsentAtStart: notifications wait while there is no SMS link and
// go out once the SMSC appears; a link the SMSC drops is bound again.
func TestSMSCAbsentAtStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // reserved: nothing listens there yet
	path := deliveryConfig(t, addr)
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+447778889999/TYPE=PLMN@mms.example.net"}, Subject: "hi", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999/TYPE=PLMN@mms.example.net")
	// Without a link nothing is attempted: the row waits, untouched.
	time.Sleep(200 * time.Millisecond)
	if waiting := recipients(t, path, id)[0]; waiting.State != "queued" || waiting.Attempts != 0 {
		t.Errorf("without an SMSC: %+v, want queued and not attempted", waiting)
	}
	smsc, err := smsctest.Listen(addr, "mmsc", "secret")
	if err != nil {
		t.Fatal(err)
	}
	defer smsc.Close()
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "notified" })
	if n, _ := notification(t, smsc.Submits(), "447778889999"); n.Type != mmsenc.NotificationInd {
		t.Errorf("the SMSC got a %v, want the notification", n.Type)
	}

	// The SMSC drops the link: mmsc binds again and the next message's
	// notification goes out on the new link.
	binds := smsc.Binds()
	smsc.DropLinks()
	id = submitTo(t, addrs["SMTP (MM4)"], msg, "+447778880007/TYPE=PLMN@mms.example.net")
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "notified" })
	if smsc.Binds() <= binds {
		t.Errorf("binds %d after the drop, want more than %d", smsc.Binds(), binds)
	}
	if n, _ := notification(t, smsc.Submits(), "447778880007"); n.Type != mmsenc.NotificationInd {
		t.Errorf("after the drop the SMSC got a %v, want the notification", n.Type)
	}
}

// oracle has tshark, written independently of mmsc, decode the push and the
// m-retrieve-conf exactly as mmsc sent them, and compares its fields with
// what the test submitted.
func oracle(t *testing.T, n *mmsenc.PDU, push, retrieveConf []byte, token, httpAddr string, want *mms.Message, id mms.MessageID) {
	t.Helper()
	tshark := tsharktest.Require(t)
	var size int
	var types []string
	for _, p := range want.Parts {
		size += len(p.Data)
		mt, _, _ := strings.Cut(p.ContentType, ";")
		types = append(types, mt)
	}
	fields := []string{"mmse.message_type", "mmse.transaction_id", "mmse.from", "mmse.to", "mmse.subject",
		"mmse.message_class.id", "mmse.message_size", "mmse.content_location", "mmse.message_id",
		"wsp.header.content_type", "wsp.header.x_wap_application_id", "wsp.multipart"}
	rows := tsharktest.Fields(t, tshark, "wsp-cl", time.Now(), [][]byte{push}, fields)
	expect := map[string]string{
		"mmse.message_type":               "0x82",
		"mmse.transaction_id":             n.TransactionID,
		"mmse.from":                       "+447779998888/TYPE=PLMN",
		"mmse.subject":                    want.Subject,
		"mmse.message_class.id":           "0x80",
		"mmse.message_size":               fmt.Sprint(size),
		"mmse.content_location":           "http://mmsc.example.net:" + portOf(httpAddr) + "/mms/" + token,
		"wsp.header.content_type":         "application/vnd.wap.mms-message",
		"wsp.header.x_wap_application_id": "x-wap-application:mms.ua",
	}
	compareFields(t, "notification", rows[0], expect)

	// tshark cannot be given mmse as a link's dissector: the PDU goes in a
	// WSP push, as mms-encoding.md §14.2 does it.
	framed, err := mmsenc.Push(1, "application/vnd.wap.mms-message", "x-wap-application:mms.ua", retrieveConf)
	if err != nil {
		t.Fatal(err)
	}
	rows = tsharktest.Fields(t, tshark, "wsp-cl", time.Now(), [][]byte{framed}, fields)
	numbers := []string{}
	for i := range want.Parts {
		numbers = append(numbers, fmt.Sprint(i+1))
	}
	expect = map[string]string{
		"mmse.message_type":       "0x84",
		"mmse.transaction_id":     n.TransactionID,
		"mmse.message_id":         string(id),
		"mmse.from":               "+447779998888/TYPE=PLMN",
		"mmse.to":                 "+447778889999/TYPE=PLMN",
		"mmse.subject":            want.Subject,
		"wsp.header.content_type": "application/vnd.wap.mms-message|application/vnd.wap.multipart.related|" + strings.Join(types, "|"),
		"wsp.multipart":           strings.Join(numbers, "|"),
	}
	compareFields(t, "m-retrieve-conf", rows[0], expect)
}

func compareFields(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for f, w := range want {
		if g := got[f]; g != w {
			t.Errorf("tshark on the %s: %s = %q, want %q", what, f, g, w)
		}
	}
}
