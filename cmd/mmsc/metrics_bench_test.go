package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
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
	b.ResetTimer()
	unmeasured, measured, ratios := alternate(b.N, max(1, min(8, b.N/conns)),
		func(n int) float64 { return load(b, off, conns, n, msg) },
		func(n int) float64 { return load(b, on, conns, n, msg) })
	b.StopTimer()
	close(stop)
	scrapes := <-scraped

	b.ReportMetric(measured.rate, "measured-msg/s")
	b.ReportMetric(unmeasured.rate, "unmeasured-msg/s")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(float64(measured.cpu.Microseconds())/float64(b.N), "measured-cpu-µs/msg")
	b.ReportMetric(float64(unmeasured.cpu.Microseconds())/float64(b.N), "unmeasured-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d connections, %d scrapes: measured %.0f msg/s, unmeasured %.0f msg/s, ratio per round %.3f (median %.3f); CPU per message measured %v, unmeasured %v",
		b.N, len(msg), conns, scrapes, measured.rate, unmeasured.rate, ratios, median(ratios),
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

// half is one side of an alternating comparison.
type half struct {
	rate float64       // jobs per second over the run
	cpu  time.Duration // the process's CPU while it ran
}

// alternate runs total jobs through a and then b in each of rounds rounds,
// b first in every other round; each runs n jobs and returns its rate. It
// returns each side's rate and CPU over the run and the rounds' ratios of
// b's rate to a's, sorted.
func alternate(total, rounds int, a, b func(n int) float64) (ha, hb half, ratios []float64) {
	var ta, tb time.Duration
	run := func(f func(int) float64, n int, t *time.Duration, h *half) float64 {
		cpu := processCPU()
		rate := f(n)
		h.cpu += processCPU() - cpu
		*t += time.Duration(float64(n) / rate * float64(time.Second))
		return rate
	}
	for r := range rounds {
		n := total / rounds
		if r == rounds-1 {
			n = total - n*(rounds-1)
		}
		var ra, rb float64
		if r%2 == 0 {
			ra = run(a, n, &ta, &ha)
			rb = run(b, n, &tb, &hb)
		} else {
			rb = run(b, n, &tb, &hb)
			ra = run(a, n, &ta, &ha)
		}
		ratios = append(ratios, rb/ra)
	}
	ha.rate = float64(total) / ta.Seconds()
	hb.rate = float64(total) / tb.Seconds()
	slices.Sort(ratios)
	return ha, hb, ratios
}

// median of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	return (sorted[(n-1)/2] + sorted[n/2]) / 2
}
