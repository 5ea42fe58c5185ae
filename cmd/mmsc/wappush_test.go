package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// TestMultimediaWAPPush: a recipient in the wappush. form gets an SI push
// and a text SMS with the link; its page shows the message and the first
// view marks it retrieved.
func TestMultimediaWAPPush(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+447778889999@wappush.mms.example.net"}, Subject: "Saturn", Text: "Rings <b>seen</b>"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999@wappush.mms.example.net")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var si mmsenc.SI
	var text string
	for _, s := range subs {
		switch s.DataCoding {
		case 0x04:
			push, err := mmsenc.ReassembleSMS([][]byte{s.ShortMessage})
			if err != nil {
				t.Fatal(err)
			}
			_, ct, _, body, err := mmsenc.ParsePush(push)
			if err != nil || ct != "application/vnd.wap.sic" {
				t.Fatalf("push %q: %v", ct, err)
			}
			if si, err = mmsenc.DecodeSI(body); err != nil {
				t.Fatal(err)
			}
		default:
			if text, err = mmsenc.DecodeTextSMS(s.DataCoding, [][]byte{s.ShortMessage}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if si.Text != "Saturn" || !strings.Contains(si.Href, "/w/") || !strings.HasPrefix(text, si.Href) {
		t.Fatalf("SI %+v, text SMS %q", si, text)
	}
	page := fetchURL(t, addrs["HTTP"], si.Href)
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Rings &lt;b&gt;seen&lt;/b&gt;") {
		t.Errorf("page: %d\n%s", resp.StatusCode, body)
	}
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "retrieved" })
}

// TestWebLinkRoute: a route of kind weblink (NowSMS "Convert to SMS with
// Web Link") delivers to numbers that take no MMS as one plain text SMS
// with the page's link, whatever [wappush] mode says; the page works.
func TestWebLinkRoute(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path := deliveryConfig(t, smsc.Addr())
	if out, err := mmsc(t, "", "route", "add", "landlines", "-kind", "weblink", "-match", "+44207*", "-config", path); err != nil {
		t.Fatalf("route add: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+442079460000/TYPE=PLMN@mms.example.net"}, Subject: "Saturn", Text: "Rings seen"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+442079460000/TYPE=PLMN@mms.example.net")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subs, err := smsc.WaitSubmits(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "notified" && r.Route == "weblink" })
	if n := len(smsc.Submits()); n != 1 {
		t.Fatalf("%d SMS, want one text SMS only", n)
	}
	s := subs[0]
	text, err := mmsenc.DecodeTextSMS(s.DataCoding, [][]byte{s.ShortMessage})
	if err != nil || s.DestAddr != "442079460000" || !strings.HasSuffix(text, " Saturn") || !strings.Contains(text, "/w/") {
		t.Fatalf("SMS to %s (coding %#x): %q, %v", s.DestAddr, s.DataCoding, text, err)
	}
	resp, err := http.Get(fetchURL(t, addrs["HTTP"], strings.TrimSuffix(text, " Saturn")))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Rings seen") {
		t.Errorf("page: %d\n%s", resp.StatusCode, body)
	}
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "retrieved" })
}
