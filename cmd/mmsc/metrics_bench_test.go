package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/metrics"
)

// BenchmarkMetricsCost measures what the metrics cost the MM4 ingress: two
// servers in one process, one measured and scraped every second (more often
// than Prometheus would), the other not measured at all, each taking ~30 KB
// messages over 16 SMTP connections, alternating in rounds whose order
// swaps each time, so that neither the machine's drift nor going first
// favours one. It reports both rates over the run, the median of the
// rounds' ratios (measured/unmeasured) and the process's CPU per message in
// each half. Target: within 3 %.
//
//	go test -run='^$' -bench=MetricsCost -benchtime=8000x -count=3 ./cmd/mmsc
func BenchmarkMetricsCost(b *testing.B) {
	const conns = 16
	msg := benchMessage(b)
	node := func(m *metrics.Metrics) string {
		path, _ := writeConfig(b, "")
		if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
			b.Fatal(err)
		}
		return serveMeasured(b, path, m)["SMTP (MM4)"]
	}
	m := metrics.New(nil)
	on, off := node(m), node(nil)
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() { scraped <- scrapeEvery(time.Second, metricsHandler(m), stop) }()

	load(b, off, conns, 2*conns, msg)
	load(b, on, conns, 2*conns, msg)
	b.SetBytes(int64(len(msg)))
	unmeasured, measured := alternate(b, conns,
		func(n int) float64 { return load(b, off, conns, n, msg) },
		func(n int) float64 { return load(b, on, conns, n, msg) })
	close(stop)
	scrapes := <-scraped

	b.ReportMetric(measured.rate(b.N), "measured-msg/s")
	b.ReportMetric(unmeasured.rate(b.N), "unmeasured-msg/s")
	b.ReportMetric(measured.ratio, "ratio")
	b.ReportMetric(measured.cpuPer(b.N), "measured-cpu-µs/msg")
	b.ReportMetric(unmeasured.cpuPer(b.N), "unmeasured-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d connections, %d scrapes: measured %.0f msg/s, unmeasured %.0f msg/s, ratio per round %.3f (median %.3f); CPU per message measured %v, unmeasured %v",
		b.N, len(msg), conns, scrapes, measured.rate(b.N), unmeasured.rate(b.N), measured.ratios, measured.ratio,
		measured.cpu/time.Duration(b.N), unmeasured.cpu/time.Duration(b.N))
}

// scrapeEvery GETs /metrics from h every interval until stop is closed,
// and says how often it did.
func scrapeEvery(interval time.Duration, h http.Handler, stop <-chan struct{}) int {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return n
		case <-tick.C:
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/metrics", nil))
		}
	}
}
