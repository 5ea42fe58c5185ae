package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// TestVASPOverMM7: a VASP's SubmitReq (REL-6, 6.8.0, with a SMIL, a GIF and
// a text) is taken with HTTP Basic; the subscriber is notified through the
// SMSC and fetches every part byte for byte as attached.
func TestVASPOverMM7(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	if out, err := mmsc(t, "", "vasp", "add", "news", "-password", "secret", "-config", path); err != nil {
		t.Fatalf("vasp add: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	ct, body := goldenMM7(t, "rel6-6.8.0.mm7")
	// Delivered now, not at the request's EarliestDeliveryTime.
	body = bytes.Replace(body, []byte("<EarliestDeliveryTime>PT2H</EarliestDeliveryTime>"), nil, 1)
	// It answers no message of ours: its LinkedID would be refused (2006).
	body = bytes.Replace(body, []byte("<LinkedID>link-7</LinkedID>"), nil, 1)
	code, answer := sendMM7(t, addrs["HTTP"], "news", ct, body)
	// bob@example.com has no route until MM3: a partial success.
	if code != 200 || !bytes.Contains(answer, []byte("<StatusCode>1100</StatusCode>")) || !bytes.Contains(answer, []byte("<MessageID>")) {
		t.Fatalf("SubmitRsp: HTTP %d\n%s", code, answer)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := notification(t, subs, "447778889999")
	if n.Subject != "News for today" || n.MessageClass != "Informational" {
		t.Errorf("notification subject %q class %q", n.Subject, n.MessageClass)
	}
	get, _ := http.NewRequest(http.MethodGet, fetchURL(t, addrs["HTTP"], n.ContentLocation), nil)
	resp, err := http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rconf, err := mmsenc.Decode(b)
	if err != nil || len(rconf.Parts) != 3 {
		t.Fatalf("m-retrieve-conf: %v, %d parts", err, len(rconf.Parts))
	}
	gif, _ := base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=")
	want := [][]byte{[]byte(`<smil><body><par dur="5s"><img src="cid:pic"/><text src="cid:txt"/></par></body></smil>`), gif,
		[]byte("Science news, new Saturn pictures.")}
	for i, w := range want {
		if !bytes.Equal(rconf.Parts[i].Data, w) {
			t.Errorf("part %d: %q, want %q as attached", i, rconf.Parts[i].Data, w)
		}
	}
}

// vaspServer is a VASP's MM7 server for the tests: it records each request
// and answers 1000 in its own version (REL-5, 5.3.0).
type vaspServer struct {
	mu    sync.Mutex
	got   []string
	types []string // the requests' Content-Types
}

func (v *vaspServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	v.mu.Lock()
	v.got = append(v.got, string(b))
	v.types = append(v.types, r.Header.Get("Content-Type"))
	v.mu.Unlock()
	w.Header().Set("Content-Type", mm7soap.ContentType)
	w.Write(mm7soap.Response{Namespace: mm7soap.NamespaceFor("5.3.0"), Version: "5.3.0", TransactionID: "x",
		Op: "DeliveryReportRsp", Status: mm7soap.Status{Code: mm7soap.Success}}.XML())
}

func (v *vaspServer) contentTypes() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.types...)
}

func (v *vaspServer) requests() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.got...)
}

// TestMM7DeliveryReport: a VASP that submitted over MM7 asking for a
// delivery report gets a DeliveryReportReq at its MM7 URL, in its own
// version, once the handset has the message.
func TestMM7DeliveryReport(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	vs := &vaspServer{}
	vsrv := httptest.NewServer(vs)
	defer vsrv.Close()
	path := deliveryConfig(t, smsc.Addr())
	if out, err := mmsc(t, "", "vasp", "add", "news", "-password", "secret", "-mm7-url", vsrv.URL+"/mm7",
		"-mm7-version", "5.3.0", "-config", path); err != nil {
		t.Fatalf("vasp add: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	ct, body := goldenMM7(t, "rel5-5.3.0-prefixed.mm7")
	answer := postMM7(t, addrs["HTTP"], "news", ct, body)
	id := regexp.MustCompile(`<MessageID>([^<]+)</MessageID>`).FindSubmatch(answer)
	if id == nil {
		t.Fatalf("SubmitRsp without a MessageID:\n%s", answer)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n := waitNotification(t, ctx, smsc, "447778889999")
	get, _ := http.NewRequest(http.MethodGet, fetchURL(t, addrs["HTTP"], n.ContentLocation), nil)
	if resp, err := http.DefaultClient.Do(get); err != nil || resp.StatusCode != 200 {
		t.Fatalf("fetch: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	var got []string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = vs.requests(); len(got) > 0 {
			break
		}
	}
	if len(got) != 1 {
		t.Fatalf("the VASP got %d requests, want one DeliveryReportReq", len(got))
	}
	for _, want := range []string{"DeliveryReportReq", "REL-5-MM7-1-3", "<MM7Version>5.3.0</MM7Version>",
		"<MessageID>" + string(id[1]) + "</MessageID>", "<Recipient><Number>+447778889999</Number></Recipient>",
		"<Sender><Number>+447700900001</Number></Sender>", "<MMStatus>Retrieved</MMStatus>"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the DeliveryReportReq lacks %q:\n%s", want, got[0])
		}
	}
}

// waitNotification waits until every segment of the notification to dest
// has reached the SMSC, and decodes it.
func waitNotification(t *testing.T, ctx context.Context, smsc *smsctest.Server, dest string) *mmsenc.PDU {
	t.Helper()
	err := smsc.Wait(ctx, func() bool {
		var segs [][]byte
		for _, s := range smsc.Submits() {
			if s.DestAddr == dest {
				segs = append(segs, s.ShortMessage)
			}
		}
		_, err := mmsenc.ReassembleSMS(segs)
		return len(segs) > 0 && err == nil
	})
	if err != nil {
		t.Fatalf("no whole notification to %s: %v", dest, err)
	}
	n, _ := notification(t, smsc.Submits(), dest)
	return n
}

// goldenMM7 is a request of internal/mm7soap/testdata: its Content-Type
// and body.
func goldenMM7(t *testing.T, name string) (string, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "mm7soap", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return strings.TrimPrefix(string(head), "Content-Type: "), body
}

// sendMM7 POSTs an MM7 request as user (password "secret") and returns the
// HTTP status and the answer's body.
func sendMM7(t *testing.T, httpAddr, user, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+httpAddr+"/mm7", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.SetBasicAuth(user, "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// postMM7 is sendMM7's answer body.
func postMM7(t *testing.T, httpAddr, user, contentType string, body []byte) []byte {
	t.Helper()
	_, b := sendMM7(t, httpAddr, user, contentType, body)
	return b
}

func cancelReq(id string) []byte {
	ns := "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
	return []byte(`<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header>` +
		`<mm7:TransactionID xmlns:mm7="` + ns + `" env:mustUnderstand="1">c1</mm7:TransactionID></env:Header><env:Body>` +
		`<CancelReq xmlns="` + ns + `"><MM7Version>6.8.0</MM7Version><MessageID>` + id + `</MessageID></CancelReq></env:Body></env:Envelope>`)
}

// TestMM7Cancel: a VASP cancels a message before its recipient fetched it;
// the link then answers 404 and no more notifications go. Another VASP
// cannot cancel it, and learns only that it has no such message.
func TestMM7Cancel(t *testing.T) {
	path, addrs, id, n := vaspMessage(t)

	if a := postMM7(t, addrs["HTTP"], "rival", "text/xml", cancelReq(id)); !bytes.Contains(a, []byte("<StatusCode>2005</StatusCode>")) {
		t.Errorf("another VASP's CancelReq: %s, want 2005", a)
	}
	if a := postMM7(t, addrs["HTTP"], "news", "text/xml", cancelReq(id)); !bytes.Contains(a, []byte("<StatusCode>1000</StatusCode>")) ||
		!bytes.Contains(a, []byte("CancelRsp")) {
		t.Fatalf("CancelReq: %s, want a CancelRsp with 1000", a)
	}
	resp, err := http.Get(fetchURL(t, addrs["HTTP"], n.ContentLocation))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("fetch after the cancel: HTTP %d, want 404", resp.StatusCode)
	}
	if rc := recipients(t, path, mms.MessageID(id)); rc[0].State != "cancelled" || rc[0].LastError != "cancelled by news" {
		t.Errorf("recipient after the cancel: %+v", rc[0])
	}
	if a := postMM7(t, addrs["HTTP"], "news", "text/xml", cancelReq("no-such-message")); !bytes.Contains(a, []byte("<StatusCode>2005</StatusCode>")) {
		t.Errorf("CancelReq for nothing: %s, want 2005", a)
	}
}

// TestDeliverToVASP: a handset's message to a VASP's short code goes out
// as a DeliverReq to the VASP's MM7 URL, in its version; its multipart
// reads back with Go's own MIME parser, every part as the handset sent it.
func TestDeliverToVASP(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	vs := &vaspServer{}
	vsrv := httptest.NewServer(vs)
	defer vsrv.Close()
	path := deliveryConfig(t, smsc.Addr())
	for _, args := range [][]string{
		{"vasp", "add", "news", "-password", "secret", "-mm7-url", vsrv.URL + "/mm7", "-mm7-version", "5.3.0"},
		{"route", "add", "vote", "-kind", "mm7", "-match", "12345", "-vasp", "news"},
	} {
		if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	addrs := serveInProcess(t, path)
	photo := bytes.Repeat([]byte{0xff, 0xd8, '\r', '\n', 0x00, '-', '-'}, 2000)
	sent := &mmsenc.PDU{Type: mmsenc.SendReq, TransactionID: "V-1", FromInsert: true, To: []string{"12345"}, Subject: "YES",
		ContentType: mmsenc.MediaMultipartMixed, Parts: []mmsenc.Part{
			{ContentType: "text/plain; charset=utf-8", ContentLocation: "vote.txt", Data: []byte("YES")},
			{ContentType: "image/jpeg", ContentLocation: "IMG_2.jpg", Data: photo}}}
	conf := handsetPost(t, addrs["HTTP"], "447700900123", sent)
	if conf.ResponseStatus != mmsenc.ResponseOk {
		t.Fatalf("m-send-conf %+v", conf)
	}
	var got []string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(got) == 0; time.Sleep(20 * time.Millisecond) {
		got = vs.requests()
	}
	if len(got) != 1 {
		t.Fatalf("the VASP got %d requests, want one DeliverReq", len(got))
	}
	ct := vs.contentTypes()[0]
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	r := multipart.NewReader(strings.NewReader(got[0]), params["boundary"])
	soap, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	env, _ := io.ReadAll(soap)
	for _, want := range []string{"DeliverReq", "REL-5-MM7-1-3", "<MM7Version>5.3.0</MM7Version>", "<LinkedID>" + conf.MessageID + "</LinkedID>",
		"<Sender><Number>447700900123</Number></Sender>", "<ShortCode>12345</ShortCode>", "<Subject>YES</Subject>"} {
		if !bytes.Contains(env, []byte(want)) {
			t.Errorf("the DeliverReq lacks %q:\n%s", want, env)
		}
	}
	content, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	_, cparams, _ := mime.ParseMediaType(content.Header.Get("Content-Type"))
	inner := multipart.NewReader(content, cparams["boundary"])
	for i, want := range sent.Parts {
		p, err := inner.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if !bytes.Equal(data, want.Data) || p.Header.Get("Content-Location") != want.ContentLocation {
			t.Errorf("part %d: %d octets at %q, sent %d at %q", i, len(data), p.Header.Get("Content-Location"), len(want.Data), want.ContentLocation)
		}
	}
	var m mms.MessageID = mms.MessageID(conf.MessageID)
	waitRecipient(t, path, m, 0, func(r admin.Recipient) bool { return r.State == "retrieved" && r.Route == "mm7:vote" })
}

func replaceReq(id, text string) (string, []byte) {
	ns := "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
	body := "--r\r\nContent-Type: text/xml\r\nContent-ID: <soap>\r\n\r\n" +
		`<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header>` +
		`<mm7:TransactionID xmlns:mm7="` + ns + `" env:mustUnderstand="1">r1</mm7:TransactionID></env:Header><env:Body>` +
		`<ReplaceReq xmlns="` + ns + `"><MM7Version>6.8.0</MM7Version><MessageID>` + id + `</MessageID>` +
		`<Content href="cid:new"/></ReplaceReq></env:Body></env:Envelope>` + "\r\n" +
		"--r\r\nContent-Type: text/plain; charset=utf-8\r\nContent-ID: <new>\r\n\r\n" + text + "\r\n--r--\r\n"
	return `multipart/related; boundary=r; type="text/xml"; start="<soap>"`, []byte(body)
}

// TestMM7Replace: a VASP replaces the content of a message its recipient
// has not fetched yet; the fetch then brings the new content. Another VASP
// cannot, and learns only that it has no such message.
func TestMM7Replace(t *testing.T) {
	_, addrs, id, n := vaspMessage(t)

	ct, rbody := replaceReq(id, "Corrected: the launch is at noon.")
	if a := postMM7(t, addrs["HTTP"], "rival", ct, rbody); !bytes.Contains(a, []byte("<StatusCode>2005</StatusCode>")) {
		t.Errorf("another VASP's ReplaceReq: %s, want 2005", a)
	}
	if a := postMM7(t, addrs["HTTP"], "news", ct, rbody); !bytes.Contains(a, []byte("<StatusCode>1000</StatusCode>")) || !bytes.Contains(a, []byte("ReplaceRsp")) {
		t.Fatalf("ReplaceReq: %s, want a ReplaceRsp with 1000", a)
	}
	resp, err := http.Get(fetchURL(t, addrs["HTTP"], n.ContentLocation))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rconf, err := mmsenc.Decode(b)
	if err != nil || len(rconf.Parts) != 1 || string(rconf.Parts[0].Data) != "Corrected: the launch is at noon." {
		t.Errorf("the fetch after the replace: %v, parts %q", err, rconf.Parts)
	}
}

// vaspMessage serves an MMSC with an SMSC and two VASPs, news and rival;
// news submits a message over MM7, and its recipient is notified. It
// returns the configuration, the addresses, the MessageID and the
// notification.
func vaspMessage(t *testing.T) (path string, addrs map[string]string, id string, n *mmsenc.PDU) {
	t.Helper()
	smsc := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(smsc.Close)
	path = deliveryConfig(t, smsc.Addr())
	for _, name := range []string{"news", "rival"} {
		if out, err := mmsc(t, "", "vasp", "add", name, "-password", "secret", "-config", path); err != nil {
			t.Fatalf("vasp add: %v\n%s", err, out)
		}
	}
	addrs = serveInProcess(t, path)
	ct, body := goldenMM7(t, "mixed-namespaces-no-start.mm7")
	answer := postMM7(t, addrs["HTTP"], "news", ct, body)
	m := regexp.MustCompile(`<MessageID>([^<]+)</MessageID>`).FindSubmatch(answer)
	if m == nil {
		t.Fatalf("SubmitRsp: %s", answer)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return path, addrs, string(m[1]), waitNotification(t, ctx, smsc, "447778889999")
}
