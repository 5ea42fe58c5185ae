package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// benchSendReq is a ~30 KB m-send-req as a phone writes it: a 30 KB photo,
// a text and the SMIL that presents them, to one local subscriber.
func benchSendReq(b testing.TB) []byte {
	img := make([]byte, 30<<10)
	rand.Read(img)
	parts, err := mm4.Compose("Science news, new Saturn pictures...", []mm4.File{{Name: "saturn.jpg", Data: img}})
	if err != nil {
		b.Fatal(err)
	}
	p := &mmsenc.PDU{Type: mmsenc.SendReq, TransactionID: "bench", FromInsert: true, To: []string{"+447778889999/TYPE=PLMN"},
		Subject: "benchmark", ContentType: `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`}
	for _, part := range parts {
		p.Parts = append(p.Parts, mmsenc.Part{ContentType: part.ContentType, ContentID: part.ContentID,
			ContentLocation: part.ContentLocation, Data: part.Data})
	}
	body, err := mmsenc.Encode(p)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// handsetClient posts m-send-reqs over kept-alive connections, each from a
// sender of its own (a repeat of one sender's Transaction-ID would be
// answered from the first submission, not stored).
type handsetClient struct {
	url  string
	c    *http.Client
	mu   sync.Mutex
	next int
}

func newHandsetClient(httpAddr string) *handsetClient {
	return &handsetClient{url: "http://" + httpAddr + "/mms",
		c: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// submit posts body as the next sender and fails unless it is stored.
func (h *handsetClient) submit(b testing.TB, body []byte) {
	h.mu.Lock()
	h.next++
	msisdn := fmt.Sprintf("4477009%05d", h.next)
	h.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", mmsenc.MediaMMS)
	req.Header.Set("X-MSISDN", msisdn)
	resp, err := h.c.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	conf, err := mmsenc.Decode(answer)
	if err != nil || conf.ResponseStatus != mmsenc.ResponseOk {
		b.Errorf("m-send-conf %+v, %v", conf, err)
	}
}

// loadHandsets sends n submissions from conns phones at once and returns
// the rate.
func loadHandsets(b testing.TB, h *handsetClient, conns, n int, body []byte) float64 {
	return spread(conns, n, func(_ int, next func() bool) {
		for next() {
			h.submit(b, body)
		}
	})
}

// BenchmarkHandsetSubmit measures durable MM1 submissions per second: ~30 KB
// m-send-reqs POSTed by 16 phones at once against the full server (the
// m-send-conf says Ok only after the commit), alternating in rounds with the
// MM4 ingress's 30 KB messages over 16 SMTP connections to the same server.
// The target is an MM1 rate at least the MM4 one (ratio ≥ 1):
//
//	go test -run='^$' -bench=HandsetSubmit$ -benchtime=4000x ./cmd/mmsc
func BenchmarkHandsetSubmit(b *testing.B) {
	const conns = 16
	body := benchSendReq(b)
	msg := benchMessage(b)
	path, _ := writeConfig(b, "")
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		b.Fatal(err)
	}
	addrs := serveInProcess(b, path)
	phones := newHandsetClient(addrs["HTTP"])
	loadHandsets(b, phones, conns, 2*conns, body)
	load(b, addrs["SMTP (MM4)"], conns, 2*conns, msg)

	rounds := max(1, min(4, b.N/conns))
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	var mm1Time, mm4Time time.Duration
	ratios := make([]float64, 0, rounds)
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		mm1 := loadHandsets(b, phones, conns, n, body)
		mm4 := load(b, addrs["SMTP (MM4)"], conns, n, msg)
		mm1Time += time.Duration(float64(n) / mm1 * float64(time.Second))
		mm4Time += time.Duration(float64(n) / mm4 * float64(time.Second))
		ratios = append(ratios, mm1/mm4)
	}
	b.StopTimer()
	slices.Sort(ratios)
	b.ReportMetric(float64(b.N)/mm1Time.Seconds(), "mm1-msg/s")
	b.ReportMetric(float64(b.N)/mm4Time.Seconds(), "mm4-msg/s")
	b.ReportMetric((ratios[(rounds-1)/2]+ratios[rounds/2])/2, "ratio")
	b.Logf("m-send-req %d bytes, MM4 message %d bytes; MM1/MM4 per round %.2f", len(body), len(msg), ratios)
}

// BenchmarkHandsetSubmitLatency sends an m-send-req every 5 ms (200 a
// second) and reports how long each waited for its m-send-conf, the durable
// commit included; the target is a p99 of 20 ms at most:
//
//	go test -run='^$' -bench=HandsetSubmitLatency -benchtime=2000x ./cmd/mmsc
func BenchmarkHandsetSubmitLatency(b *testing.B) {
	body := benchSendReq(b)
	path, _ := writeConfig(b, "")
	addrs := serveInProcess(b, path)
	phones := newHandsetClient(addrs["HTTP"])
	loadHandsets(b, phones, 16, 32, body)
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			phones.submit(b, body)
			lat[i] = time.Since(start)
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(p(1), "max-ms")
}
