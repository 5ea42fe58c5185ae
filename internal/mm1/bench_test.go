package mm1_test

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
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
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
		wg.Add(1)
		go func() {
			defer wg.Done()
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
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkRetrieve30KB measures handset retrievals per second of a message
// with a 30 KB image over 16 keep-alive connections: the store read, the
// m-retrieve-conf encoding and HTTP. In the same run, the same client
// fetches the same bytes from a handler that only writes them (the
// ceiling), and the ratio is reported.
//
//	go test -run='^$' -bench=Retrieve30KB -benchtime=20000x ./internal/mm1
func BenchmarkRetrieve30KB(b *testing.B) {
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
		Subject: "Saturn", Recipients: []mms.Recipient{{Address: "+447700900456"}},
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
	mm1.New(st, delivery.NewHandsets(st), mm1.Config{}, log).Register(mux, "")
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url := srv.URL + "/mms/" + m.Recipients[0].Token

	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	pdu, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	static := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.wap.mms-message")
		w.Write(pdu)
	}))
	defer static.Close()

	const conns = 16
	fetchAll(b, static.URL, conns, 2*conns) // warm both
	fetchAll(b, url, conns, 2*conns)
	b.SetBytes(int64(len(pdu)))
	b.ResetTimer()
	ceiling := fetchAll(b, static.URL, conns, b.N)
	rate := fetchAll(b, url, conns, b.N)
	b.StopTimer()
	b.ReportMetric(rate, "retrievals/s")
	b.ReportMetric(ceiling, "static/s")
	b.ReportMetric(rate/ceiling, "ratio")
}
