package web_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/web"
)

// fetchAll GETs url n times over conns keep-alive connections and returns
// the rate.
func fetchAll(b *testing.B, url string, conns, n int) float64 {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	work := make(chan struct{}, n)
	for range n {
		work <- struct{}{}
	}
	close(work)
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for range work {
				resp, err := client.Get(url)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("GET: %d", resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkPage30KB measures views per second of the page of a message
// with a text and a 30 KB image over 16 keep-alive connections (the store
// reads and the HTML), and, separately, fetches per second of the image
// itself. Both read the whole message from the store: a page view loads
// every part, a part fetch too.
//
//	go test -run='^$' -bench=Page30KB -benchtime=20000x ./internal/web
func BenchmarkPage30KB(b *testing.B) {
	log := slog.New(slog.DiscardHandler)
	st, err := store.OpenSQLite(context.Background(), b.TempDir(), log)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	img := make([]byte, 30<<10)
	rand.Read(img)
	m := &mms.Message{
		From: "+447700900123/TYPE=PLMN@mms.example.net", To: []string{"+447700900456/TYPE=PLMN@mms.example.net"},
		Subject: "Saturn", Recipients: []mms.Recipient{{Address: "+447700900456", Route: mms.RouteWAPPush}},
		Parts: []mms.Part{
			{ContentType: "application/smil", ContentID: "<smil>", ContentLocation: "s.smil", Data: []byte(`<smil><body><par><img src="saturn.jpg"/><text src="t.txt"/></par></body></smil>`)},
			{ContentType: "text/plain; charset=utf-8", ContentLocation: "t.txt", Data: []byte("Science news, new Saturn pictures...")},
			{ContentType: "image/jpeg", ContentLocation: "saturn.jpg", Data: img},
		},
		Raw: make([]byte, 42<<10),
	}
	if _, err := accept.New(st, accept.Config{}).Accept(context.Background(), m); err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	web.New(st, delivery.NewHandsets(st), web.Config{ExpireAfterFirstAccess: time.Hour}, log).Register(mux, "")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	page := srv.URL + "/w/" + m.Recipients[0].Token
	part := page + "/2"

	const conns = 16
	fetchAll(b, page, conns, 2*conns) // the first view marks the recipient; the rest are the steady state
	fetchAll(b, part, conns, 2*conns)
	b.ResetTimer()
	pages := fetchAll(b, page, conns, b.N)
	parts := fetchAll(b, part, conns, b.N)
	b.StopTimer()
	b.ReportMetric(pages, "pages/s")
	b.ReportMetric(parts, "images/s")
}
