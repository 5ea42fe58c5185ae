package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "mm7soap", "testdata", "rel6-6.8.0.mm7"))
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	// Delivered now, not at the request's EarliestDeliveryTime.
	body = bytes.Replace(body, []byte("<EarliestDeliveryTime>PT2H</EarliestDeliveryTime>"), nil, 1)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addrs["HTTP"]+"/mm7", bytes.NewReader(body))
	req.Header.Set("Content-Type", strings.TrimPrefix(string(head), "Content-Type: "))
	req.SetBasicAuth("news", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// bob@example.com has no route until MM3: a partial success.
	if resp.StatusCode != 200 || !bytes.Contains(answer, []byte("<StatusCode>1100</StatusCode>")) || !bytes.Contains(answer, []byte("<MessageID>")) {
		t.Fatalf("SubmitRsp: HTTP %d\n%s", resp.StatusCode, answer)
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
	resp, err = http.DefaultClient.Do(get)
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
