package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/metrics"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
	"github.com/mmsc-project/mmsc/internal/store"
)

// benchServe starts serve on path's configuration and returns its
// addresses; it stops when the benchmark ends.
func benchServe(b *testing.B, path string) map[string]string {
	b.Helper()
	return serveMeasured(b, path, nil)
}

// serveMeasured starts serve on path's configuration, measured by m (nil:
// not measured), and returns its addresses; it stops when the test ends.
func serveMeasured(b testing.TB, path string, m *metrics.Metrics) map[string]string {
	b.Helper()
	cfg, err := loadConfig(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := map[string]string{}
	var mu sync.Mutex
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), m, func(what, addr string) {
			mu.Lock()
			defer mu.Unlock()
			addrs[what] = addr
			if what == "HTTP" {
				close(ready)
			}
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		b.Fatalf("serve: %v", err)
	}
	b.Cleanup(func() { cancel(); <-done })
	mu.Lock()
	defer mu.Unlock()
	return addrs
}

// benchConfig is a configuration with smsc as the SMS link and a public URL
// short enough for one-SMS notifications; extra goes in [smpp].
func benchConfig(b *testing.B, smsc *smsctest.Server, extra string) (path, dataDir string) {
	return writeConfig(b, fmt.Sprintf(`public_url = "http://mms.example.net/"
[smpp]
address = %q
system_id = "mmsc"
password = "secret"
%s
`, smsc.Addr(), extra))
}

// preload stores b.N 30 KB messages in dataDir's store through a relay
// with cfg (and the store's routes), each to its own recipient to(i), from
// 16 submitters.
func preload(b *testing.B, dataDir string, cfg accept.Config, to func(int) string) {
	b.Helper()
	st, err := store.OpenSQLite(context.Background(), dataDir, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	proto, err := mm4.Parse(benchMessage(b), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	cfg.Routes = st
	r := accept.New(st, cfg)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < b.N; i += 16 {
				m := *proto
				m.Recipients = []mms.Recipient{{Address: to(i)}}
				if _, err := r.Accept(context.Background(), &m); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// number is the i-th distinct local number.
func number(i int) string { return fmt.Sprintf("+4477%08d", i) }

// BenchmarkNotifications measures how fast stored messages become WAP Push
// notifications at a loopback SMSC: b.N messages (30 KB, one recipient
// each) are stored first, then the server starts and the clock runs until
// the SMSC has a notification for every recipient.
//
//	go test -run='^$' -bench=Notifications -benchtime=2000x ./cmd/mmsc
func BenchmarkNotifications(b *testing.B) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path, dataDir := benchConfig(b, smsc, "max_submits_per_second = 1000000")

	preload(b, dataDir, accept.Config{}, number)

	b.ResetTimer()
	start := time.Now()
	benchServe(b, path)
	seen := map[string]bool{}
	segments := 0
	err := smsc.Wait(context.Background(), func() bool {
		subs := smsc.Submits()
		clear(seen)
		for _, s := range subs {
			seen[s.DestAddr] = true
		}
		segments = len(subs)
		return len(seen) >= b.N
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "notifications/s")
	b.ReportMetric(float64(segments)/float64(b.N), "sms/notification")
}

// BenchmarkNotifyLatency measures the time from the 250 that accepts a
// message to the submit_sm of its notification at the SMSC, with messages
// arriving at 100 per second over one SMTP connection. It reports the
// median and the 99th percentile.
//
//	go test -run='^$' -bench=NotifyLatency -benchtime=1000x ./cmd/mmsc
func BenchmarkNotifyLatency(b *testing.B) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	path, _ := benchConfig(b, smsc, "")
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		b.Fatal(err)
	}
	addrs := benchServe(b, path)
	c, err := smtp.Dial(addrs["SMTP (MM4)"])
	if err != nil {
		b.Fatal(err)
	}
	defer c.Quit()
	msg := benchMessage(b)
	accepted := make(map[string]time.Time, b.N)

	b.ResetTimer()
	tick := time.NewTicker(10 * time.Millisecond) // 100 messages per second
	defer tick.Stop()
	for i := 0; i < b.N; i++ {
		<-tick.C
		to := number(i)
		if err := c.Mail("+447779998888/TYPE=PLMN@mms.example.net", nil); err != nil {
			b.Fatal(err)
		}
		if err := c.Rcpt(to+"/TYPE=PLMN@mms.example.net", nil); err != nil {
			b.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		w.Write(msg)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		accepted[to[1:]] = time.Now()
	}
	var first map[string]time.Time
	err = smsc.Wait(context.Background(), func() bool {
		first = map[string]time.Time{}
		for _, s := range smsc.Submits() {
			if _, ok := first[s.DestAddr]; !ok {
				first[s.DestAddr] = s.At
			}
		}
		return len(first) >= b.N
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for to, at := range accepted {
		lat = append(lat, max(first[to].Sub(at), 0))
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(p(1), "max-ms")
}

// BenchmarkForwards measures how fast stored messages are forwarded over
// MM4 to a peer MMSC on loopback: b.N messages (30 KB, one recipient on an
// mm4 route each) are stored first, then the server starts and the clock
// runs until the peer has received them all. Connections to the peer are
// reused.
//
//	go test -run='^$' -bench=Forwards -benchtime=2000x ./cmd/mmsc
func BenchmarkForwards(b *testing.B) {
	peer := startPeer(b)
	path, dataDir := writeConfig(b, "[mm1]\nlocal_numbers = [\"+4477*\"]\n")
	if out, err := mmsc(b, "", "route", "add", "pl", "-match", "+48*", "-host", peer.addr,
		"-domain", "mms.pl.example", "-tls", "none", "-config", path); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	preload(b, dataDir, accept.Config{LocalNumbers: mms.ParseMasks("+4477*")}, func(i int) string { return fmt.Sprintf("+4860%08d", i) })

	b.ResetTimer()
	start := time.Now()
	benchServe(b, path)
	peer.waitN(b, b.N)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "forwards/s")
}
