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
func benchMessage(b testing.TB) []byte {
	img := make([]byte, 22<<10)
	rand.Read(img)
	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
		Subject: "benchmark", Text: "Science news, new Saturn pictures...",
		Files: []mm4.File{{Name: "saturn.jpg", ContentType: "image/jpeg", Data: img}},
	})
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

	rounds := max(1, min(4, b.N/conns)) // b.N is 1 on the benchmark's first, sizing call
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	var ceilingTime, durableTime, ceilingCPU, durableCPU time.Duration
	ratios := make([]float64, 0, rounds)
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		cpu := processCPU()
		ceiling := load(b, ln.Addr().String(), conns, n, msg)
		ceilingCPU += processCPU() - cpu
		cpu = processCPU()
		durable := load(b, addr, conns, n, msg)
		durableCPU += processCPU() - cpu
		ceilingTime += time.Duration(float64(n) / ceiling * float64(time.Second))
		durableTime += time.Duration(float64(n) / durable * float64(time.Second))
		ratios = append(ratios, durable/ceiling)
	}
	b.StopTimer()
	slices.Sort(ratios)
	ratio := (ratios[(rounds-1)/2] + ratios[rounds/2]) / 2
	durable := float64(b.N) / durableTime.Seconds()
	ceiling := float64(b.N) / ceilingTime.Seconds()
	b.ReportMetric(durable, "durable-msg/s")
	b.ReportMetric(ceiling, "discard-msg/s")
	b.ReportMetric(ratio, "ratio")
	// CPU of the whole process per message, the client's share included
	// (the same in both halves).
	b.ReportMetric(float64(durableCPU.Microseconds())/float64(b.N), "durable-cpu-µs/msg")
	b.ReportMetric(float64(ceilingCPU.Microseconds())/float64(b.N), "discard-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d connections: durable %.0f msg/s, discard %.0f msg/s, ratio per round %.2f (median %.2f); CPU per message durable %v, discard %v",
		b.N, len(msg), conns, durable, ceiling, ratios, ratio, durableCPU/time.Duration(b.N), ceilingCPU/time.Duration(b.N))
}
