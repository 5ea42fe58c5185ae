package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// benchSubmitReq is a ~30 KB MM7 SubmitReq (REL-6, 6.8.0): a SMIL, a 22 KB
// photo in base64 and a text in a multipart/related, to one subscriber.
func benchSubmitReq(b testing.TB) (contentType string, body []byte) {
	img := make([]byte, 22<<10)
	rand.Read(img)
	var w bytes.Buffer
	ns := "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
	fmt.Fprintf(&w, "--outer\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nContent-ID: <soap>\r\n\r\n"+
		`<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header>`+
		`<mm7:TransactionID xmlns:mm7="%s" env:mustUnderstand="1">bench</mm7:TransactionID></env:Header><env:Body>`+
		`<SubmitReq xmlns="%s"><MM7Version>6.8.0</MM7Version><Recipients><To><Number>+447778889999</Number></To></Recipients>`+
		`<Subject>benchmark</Subject><Content href="cid:content"/></SubmitReq></env:Body></env:Envelope>`+"\r\n", ns, ns)
	w.WriteString("--outer\r\nContent-Type: multipart/related; boundary=inner; type=\"application/smil\"; start=\"<smil>\"\r\nContent-ID: <content>\r\n\r\n")
	w.WriteString("--inner\r\nContent-Type: application/smil\r\nContent-ID: <smil>\r\n\r\n<smil><body><par><img src=\"cid:img\"/><text src=\"cid:txt\"/></par></body></smil>\r\n")
	w.WriteString("--inner\r\nContent-Type: image/jpeg\r\nContent-ID: <img>\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(img)
	for len(enc) > 76 {
		w.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	w.WriteString(enc + "\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-ID: <txt>\r\n\r\nScience news, new Saturn pictures...\r\n--inner--\r\n--outer--\r\n")
	return `multipart/related; boundary=outer; type="text/xml"; start="<soap>"`, w.Bytes()
}

// loadMM7 sends n SubmitReqs from conns kept-alive clients and returns the
// rate.
func loadMM7(b testing.TB, url, contentType string, body []byte, conns, n int) float64 {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns}}
	return spread(conns, n, func(_ int, next func() bool) {
		for next() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			req.SetBasicAuth("news", "secret")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Contains(answer, []byte("<StatusCode>1000</StatusCode>")) {
				b.Errorf("SubmitRsp: %s", answer)
				return
			}
		}
	})
}

// BenchmarkMM7Submit measures durable MM7 submissions per second: ~30 KB
// SubmitReqs from 16 kept-alive clients against the full server (1000 only
// after the commit), alternating in rounds with the MM4 ingress's 30 KB
// messages over 16 SMTP connections to the same server. Targets: at least
// 1,000 a second, and at least half the MM4 rate (ratio ≥ 0.5):
//
//	go test -run='^$' -bench=MM7Submit -benchtime=4000x ./cmd/mmsc
func BenchmarkMM7Submit(b *testing.B) {
	const conns = 16
	ct, body := benchSubmitReq(b)
	msg := benchMessage(b)
	path, _ := writeConfig(b, "")
	for _, args := range [][]string{{"vasp", "add", "127.0.0.1"}, {"vasp", "add", "news", "-password", "secret"}} {
		if _, err := mmsc(b, "", append(args, "-config", path)...); err != nil {
			b.Fatal(err)
		}
	}
	addrs := serveInProcess(b, path)
	url := "http://" + addrs["HTTP"] + "/mm7"
	loadMM7(b, url, ct, body, conns, 2*conns)
	load(b, addrs["SMTP (MM4)"], conns, 2*conns, msg)

	rounds := max(1, min(4, b.N/conns))
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	var mm7Time, mm4Time time.Duration
	ratios := make([]float64, 0, rounds)
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		mm7 := loadMM7(b, url, ct, body, conns, n)
		mm4 := load(b, addrs["SMTP (MM4)"], conns, n, msg)
		mm7Time += time.Duration(float64(n) / mm7 * float64(time.Second))
		mm4Time += time.Duration(float64(n) / mm4 * float64(time.Second))
		ratios = append(ratios, mm7/mm4)
	}
	b.StopTimer()
	slices.Sort(ratios)
	b.ReportMetric(float64(b.N)/mm7Time.Seconds(), "mm7-msg/s")
	b.ReportMetric(float64(b.N)/mm4Time.Seconds(), "mm4-msg/s")
	b.ReportMetric((ratios[(rounds-1)/2]+ratios[rounds/2])/2, "ratio")
	b.Logf("SubmitReq %d bytes, MM4 message %d bytes; MM7/MM4 per round %.2f", len(body), len(msg), ratios)
}

// countingVASP answers every DeliverReq 1000 at once and counts them.
type countingVASP struct {
	mu   sync.Mutex
	n    int
	done chan struct{}
	want int
}

func (v *countingVASP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", mm7soap.ContentType)
	w.Write(mm7soap.Response{Version: "6.8.0", TransactionID: "x", Op: "DeliverRsp", Status: mm7soap.Status{Code: mm7soap.Success}}.XML())
	v.mu.Lock()
	v.n++
	if v.n == v.want {
		close(v.done)
	}
	v.mu.Unlock()
}

// BenchmarkDeliverReqs measures how fast stored messages to a VASP's short
// code go out as DeliverReqs to a VASP on loopback: b.N messages (30 KB,
// one short-code recipient each) are stored first, then the server starts
// and the clock runs until the VASP has answered them all. Target ≥ 1,000/s:
//
//	go test -run='^$' -bench=DeliverReqs -benchtime=2000x ./cmd/mmsc
func BenchmarkDeliverReqs(b *testing.B) {
	v := &countingVASP{done: make(chan struct{}), want: b.N}
	srv := httptest.NewServer(v)
	defer srv.Close()
	path, dataDir := writeConfig(b, "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	for _, args := range [][]string{
		{"vasp", "add", "news", "-password", "secret", "-mm7-url", srv.URL + "/mm7"},
		{"route", "add", "vote", "-kind", "mm7", "-match", "5*", "-vasp", "news"},
	} {
		if out, err := mmsc(b, "", append(args, "-config", path)...); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	preload(b, dataDir, accept.Config{LocalNumbers: mms.ParseMasks("+4477*")}, func(i int) string { return fmt.Sprintf("5%07d", i) })
	b.ResetTimer()
	start := time.Now()
	benchServe(b, path)
	select {
	case <-v.done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("the VASP got %d of %d DeliverReqs in 5 minutes", v.n, b.N)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliverreqs/s")
}
