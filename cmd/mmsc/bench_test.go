package main

import (
	"crypto/rand"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
)

// benchMessage is a ~30 KB MM4_forward.REQ: a 22 KB JPEG-sized part in
// base64, a text part and the SMIL that presents them.
func benchMessage(b testing.TB) []byte { return buildBench(b, benchRequest()) }

func benchRequest() mm4.ForwardRequest {
	img := make([]byte, 22<<10)
	rand.Read(img)
	return mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
		Subject: "benchmark", Text: "Science news, new Saturn pictures...",
		Files: []mm4.File{{Name: "saturn.jpg", ContentType: "image/jpeg", Data: img}},
	}
}

func buildBench(b testing.TB, req mm4.ForwardRequest) []byte {
	msg, err := mm4.Build(req)
	if err != nil {
		b.Fatal(err)
	}
	return msg
}

// load sends n messages over conns reused connections and returns the rate.
func load(b *testing.B, addr string, conns, n int, msg []byte) float64 {
	b.Helper()
	return loadAcross(b, []string{addr}, conns, n, msg)
}

// loadAcross is load with the connections spread over several servers,
// as a TCP load balancer would spread them.
func loadAcross(b *testing.B, addrs []string, conns, n int, msg []byte) float64 {
	b.Helper()
	return spread(conns, n, func(g int, next func() bool) {
		c, err := smtp.Dial(addrs[g%len(addrs)])
		if err != nil {
			b.Error(err)
			return
		}
		// QUIT, not a bare close: the servers would log a reset otherwise.
		defer c.Quit()
		for next() {
			if _, err := submitOne(c, msg); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// spread runs n jobs on conns workers at once and returns the jobs done
// per second. Worker g takes jobs with next until it says there are none.
func spread(conns, n int, worker func(g int, next func() bool)) float64 {
	work := make(chan struct{}, n)
	for range n {
		work <- struct{}{}
	}
	close(work)
	next := func() bool { _, ok := <-work; return ok }
	var wg sync.WaitGroup
	start := time.Now()
	for g := range conns {
		wg.Go(func() { worker(g, next) })
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// discardBackend is the ceiling: go-smtp reading DATA and throwing it away,
// on the same machine, with the same client.
type discardBackend struct{}

func (discardBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return discardSession{}, nil }

type discardSession struct{}

func (discardSession) Mail(string, *smtp.MailOptions) error { return nil }
func (discardSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (discardSession) Reset()                               {}
func (discardSession) Logout() error                        { return nil }
func (discardSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.NoEnhancedCode, Message: "Message Accepted <00000000000000000000000000>"}
}

// BenchmarkDurableSubmit measures durable MM4 submissions per second with
// ~30 KB messages over 16 connections against the full server (SQLite,
// synchronous=FULL, 250 only after the commit), and in the same run the
// same load against a discard-only go-smtp server. The two alternate in
// rounds, so that a change in the machine's speed during the run (these
// machines are shared) falls on both; it reports both rates over the run,
// the median of the rounds' ratios and the process's CPU per message in
// each half:
//
//	go test -run='^$' -bench=DurableSubmit -benchtime=4000x ./cmd/mmsc
func BenchmarkDurableSubmit(b *testing.B) {
	const conns = 16
	msg := benchMessage(b)

	ds := smtp.NewServer(discardBackend{})
	ds.Domain = "sink"
	ds.MaxLineLength = 10000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go ds.Serve(ln)
	defer ds.Close()

	path, _ := writeConfig(b, "")
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		b.Fatal(err)
	}
	addr := serveNode(b, path)

	// Warm both up so neither pays for first connections and page faults.
	load(b, ln.Addr().String(), conns, 2*conns, msg)
	load(b, addr, conns, 2*conns, msg)

	b.SetBytes(int64(len(msg)))
	ceiling, durable := alternate(b, conns,
		func(n int) float64 { return load(b, ln.Addr().String(), conns, n, msg) },
		func(n int) float64 { return load(b, addr, conns, n, msg) })
	b.ReportMetric(durable.rate(b.N), "durable-msg/s")
	b.ReportMetric(ceiling.rate(b.N), "discard-msg/s")
	b.ReportMetric(durable.ratio, "ratio")
	// CPU of the whole process per message, the client's share included
	// (the same in both halves).
	b.ReportMetric(durable.cpuPer(b.N), "durable-cpu-µs/msg")
	b.ReportMetric(ceiling.cpuPer(b.N), "discard-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d connections: durable %.0f msg/s, discard %.0f msg/s, ratio per round %.2f (median %.2f); CPU per message durable %v, discard %v",
		b.N, len(msg), conns, durable.rate(b.N), ceiling.rate(b.N), durable.ratios, durable.ratio,
		durable.cpu/time.Duration(b.N), ceiling.cpu/time.Duration(b.N))
}

// half is what one side of an alternating benchmark took over the run.
type half struct {
	time, cpu time.Duration
	ratios    []float64 // the second side: its rate over the first's, per round
	ratio     float64   // the median of ratios
}

func (h half) rate(n int) float64   { return float64(n) / h.time.Seconds() }
func (h half) cpuPer(n int) float64 { return float64(h.cpu.Microseconds()) / float64(n) }
func seconds(n int, rate float64) time.Duration {
	return time.Duration(float64(n) / rate * float64(time.Second))
}

// alternate runs b.N jobs on each of two sides in up to four rounds, so
// that a change in the machine's speed during the run (these machines are
// shared) falls on both. Each side does n jobs and
// returns their rate; the second side's half carries the ratios.
func alternate(b *testing.B, conns int, first, second func(n int) float64) (h1, h2 half) {
	rounds := max(1, min(4, b.N/conns)) // b.N is 1 on the benchmark's first, sizing call
	b.ResetTimer()
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		run := func(f func(int) float64, h *half) float64 {
			cpu := processCPU()
			rate := f(n)
			h.cpu += processCPU() - cpu
			return rate
		}
		// Every other round the second side goes first, so that going
		// first favours neither.
		var r1, r2 float64
		if r%2 == 0 {
			r1, r2 = run(first, &h1), run(second, &h2)
		} else {
			r2, r1 = run(second, &h2), run(first, &h1)
		}
		h1.time += seconds(n, r1)
		h2.time += seconds(n, r2)
		h2.ratios = append(h2.ratios, r2/r1)
	}
	b.StopTimer()
	sorted := slices.Sorted(slices.Values(h2.ratios))
	h2.ratio = (sorted[(rounds-1)/2] + sorted[rounds/2]) / 2
	return h1, h2
}
