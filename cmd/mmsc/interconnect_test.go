package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// mmscConfig writes a configuration for one of several MMSCs in a test.
func mmscConfig(t *testing.T, domain, extra string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "mmsc.toml")
	cfg := fmt.Sprintf(`data_dir = %q
mms_domain = %q
local_host = "127.0.0.1"
[smtp]
listen = "127.0.0.1:0"
[admin]
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
%s`, filepath.Join(dir, "data"), domain, extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func cli(t *testing.T, path string, args ...string) {
	t.Helper()
	if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// TestInterconnect is two MMSCs on loopback: a VASP submits to A with
// Ack-Request; A routes +48… to B; B notifies its subscriber through its
// SMSC and answers A with an MM4_forward.RES, which makes A's recipient
// forwarded; A answers the VASP with its own RES at the VASP's report
// endpoint.
func TestInterconnect(t *testing.T) {
	vaspSink := startPeer(t) // the VASP's report endpoint
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()

	pathB := mmscConfig(t, "mms.mnc001.mcc260.gprs", fmt.Sprintf(`[smpp]
address = %q
system_id = "mmsc"
password = "secret"
[mm1]
local_numbers = ["+48*"]
`, smsc.Addr()))
	addrsB := serveInProcess(t, pathB)

	pathA := mmscConfig(t, "mms.example.net", "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	// On A, 127.0.0.1 is both the VASP and peer B: answers for it go to the VASP's endpoint.
	cli(t, pathA, "vasp", "add", "127.0.0.1", "-report-to", vaspSink.addr)
	cli(t, pathA, "route", "add", "b", "-match", "+48*", "-host", addrsB["SMTP (MM4)"],
		"-domain", "mms.mnc001.mcc260.gprs", "-tls", "none")
	addrsA := serveInProcess(t, pathA)
	// On B, A's connections come from 127.0.0.1 too; B's answers go to A.
	cli(t, pathB, "vasp", "add", "127.0.0.1", "-report-to", addrsA["SMTP (MM4)"])

	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+48600100200/TYPE=PLMN@mms.example.net"},
		Subject: "hello B", Text: "over MM4", TransactionID: "vasp-tx-1", MessageID: "vasp-msg-1@vasp.example",
		OriginatorSystem: "reports@vasp.example", AckRequest: true, DeliveryReport: true, ReadReply: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrsA["SMTP (MM4)"], msg, "+48600100200/TYPE=PLMN@mms.example.net")

	// The VASP gets A's MM4_forward.RES: Ok, echoing its IDs.
	res := vaspSink.wait(t, 1)
	pdu, err := mm4.ParseAny(res.data, time.Now())
	if err != nil || pdu.Response == nil {
		t.Fatalf("the VASP's endpoint got no response: %v\n%s", err, res.data)
	}
	if r := pdu.Response; pdu.Type != mm4.TypeForwardRes || r.TransactionID != "vasp-tx-1" || r.MessageID != "vasp-msg-1@vasp.example" ||
		r.Status != mm4.StatusOk || len(res.to) != 1 || res.to[0] != "reports@vasp.example" || res.from != "system-user@mms.example.net" {
		t.Errorf("RES to the VASP: %s %+v, envelope %s → %v", pdu.Type, r, res.from, res.to)
	}

	// B notifies its subscriber.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := notification(t, subs, "48600100200")
	if n.Subject != "hello B" {
		t.Errorf("B's notification subject %q", n.Subject)
	}

	// B's RES reaches A: A's recipient is forwarded, and A's outbox shows
	// the RES it sent the VASP.
	rc := waitRecipient(t, pathA, id, 0, func(r admin.Recipient) bool { return r.State == "forwarded" })
	if rc.Route != "mm4:b" || rc.LastError != "" {
		t.Errorf("A's recipient: %+v", rc)
	}
	// ... and A, its recipient now forwarded, reports that to the VASP.
	dr := vaspSink.wait(t, 2)
	pdu, err = mm4.ParseAny(dr.data, time.Now())
	if err != nil || pdu.DeliveryReport == nil {
		t.Fatalf("the VASP's endpoint got no delivery report: %v\n%s", err, dr.data)
	}
	if r := pdu.DeliveryReport; r.MMStatus != mm4.MMStatusForwarded || r.MessageID != "vasp-msg-1@vasp.example" ||
		r.From != "+48600100200/TYPE=PLMN@mms.example.net" || r.To != "+447779998888/TYPE=PLMN@mms.example.net" ||
		len(dr.to) != 1 || dr.to[0] != r.To {
		t.Errorf("delivery report to the VASP: %+v, envelope to %v", r, dr.to)
	}
	// The subscriber fetches the message from B: B reports Retrieved to A,
	// A's recipient follows, and A reports it to the VASP.
	resp, err := http.Get(n.ContentLocation)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET from B: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	dr = vaspSink.wait(t, 3)
	if pdu, err = mm4.ParseAny(dr.data, time.Now()); err != nil || pdu.DeliveryReport == nil || pdu.DeliveryReport.MMStatus != mm4.MMStatusRetrieved {
		t.Fatalf("third mail to the VASP: %v, want a Retrieved delivery report\n%s", err, dr.data)
	}
	waitRecipient(t, pathA, id, 0, func(r admin.Recipient) bool { return r.State == "retrieved" })

	// The subscriber reads it and its handset says so to B: the read report
	// travels B → A → VASP.
	rconf, err := mmsenc.Decode(mustRead(t, n.ContentLocation))
	if err != nil {
		t.Fatal(err)
	}
	rr, err := mmsenc.Encode(&mmsenc.PDU{Type: mmsenc.ReadRecInd, MessageID: rconf.MessageID,
		To: []string{rconf.From}, FromInsert: true, Date: time.Now(), ReadStatus: 0x80})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(n.ContentLocation)
	req, _ := http.NewRequest(http.MethodPost, "http://"+u.Host+"/mms", bytes.NewReader(rr))
	req.Header.Set("X-MSISDN", "+48600100200")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST m-read-rec-ind to B: %v %v", resp, err)
	}
	rd := vaspSink.wait(t, 4)
	if pdu, err = mm4.ParseAny(rd.data, time.Now()); err != nil || pdu.ReadReport == nil ||
		pdu.ReadReport.ReadStatus != mm4.ReadStatusRead || pdu.ReadReport.MessageID != "vasp-msg-1@vasp.example" {
		t.Fatalf("fourth mail to the VASP: %v, want a Read read report\n%s", err, rd.data)
	}

	out, err := mmsc(t, "", "messages", "-json", "-config", pathA)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"outbox":[{"kind":"MM4_forward.RES","to":"reports@vasp.example","state":"sent"`; !strings.Contains(out, want) {
		t.Errorf("A's messages -json lacks %s:\n%s", want, out)
	}
}

func mustRead(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}
