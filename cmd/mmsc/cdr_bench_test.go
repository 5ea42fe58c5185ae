package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkDurableSubmitCDR is BenchmarkDurableSubmit with CDRs off and on:
// two servers in the same run, alternating in rounds, that differ only in
// [cdr] path. No number is theirs and no route takes any, so every
// recipient fails as it is accepted and each message owes its CDR at once:
// the most the CDR writer can be asked to do beside the accepts. After
// each of its rounds the CDR server's writer is let catch up, outside the
// timing, and how long that took is reported (cdr-lag-ms: after the last
// 250 of the round, until its last line is in the file); the CPU it spent
// counts in its half.
//
//	go test -run='^$' -bench=DurableSubmitCDR -benchtime=4000x ./cmd/mmsc
func BenchmarkDurableSubmitCDR(b *testing.B) {
	const conns = 16
	msg := benchMessage(b)
	nobody := "[mm1]\nlocal_numbers = [\"+1*\"]\n"
	cdrDir := filepath.Join(b.TempDir(), "cdr")
	off, on := benchNode(b, nobody), benchNode(b, nobody+cdrSection(cdrDir))

	accepted := 0
	written := &cdrCounter{dir: cdrDir, read: map[string]int64{}}
	var lag time.Duration
	caughtUp := func() {
		start := time.Now()
		for written.count(b) < accepted {
			if time.Since(start) > time.Minute {
				b.Fatalf("the CDR writer is %d lines behind a minute on", accepted-written.lines)
			}
			time.Sleep(2 * time.Millisecond)
		}
		lag += time.Since(start)
	}
	load(b, off, conns, 2*conns, msg)
	load(b, on, conns, 2*conns, msg)
	accepted += 2 * conns
	caughtUp()
	lag = 0

	b.SetBytes(int64(len(msg)))
	without, with := alternate(b, conns,
		func(n int) float64 { return load(b, off, conns, n, msg) },
		func(n int) float64 {
			rate := load(b, on, conns, n, msg)
			accepted += n
			caughtUp()
			return rate
		})
	rounds := len(with.ratios)
	b.ReportMetric(without.rate(b.N), "off-msg/s")
	b.ReportMetric(with.rate(b.N), "on-msg/s")
	b.ReportMetric(with.ratio, "ratio")
	b.ReportMetric(float64(lag.Milliseconds())/float64(rounds), "cdr-lag-ms")
	b.ReportMetric(without.cpuPer(b.N), "off-cpu-µs/msg")
	b.ReportMetric(with.cpuPer(b.N), "on-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d connections: CDRs off %.0f msg/s, on %.0f msg/s, ratio per round %.2f (median %.2f); CDR lag after a round %v; CPU per message off %v, on %v",
		b.N, len(msg), conns, without.rate(b.N), with.rate(b.N), with.ratios, with.ratio, lag/time.Duration(rounds),
		without.cpu/time.Duration(b.N), with.cpu/time.Duration(b.N))
}

// benchNode is a server on the configuration extra, with an IP account
// for 127.0.0.1, until the benchmark ends; it returns its SMTP address.
func benchNode(b *testing.B, extra string) string {
	b.Helper()
	path, _ := writeConfig(b, extra)
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		b.Fatal(err)
	}
	return serveNode(b, path)
}

// cdrCounter counts the lines in a CDR directory, reading each byte once:
// its polls run in the half they measure.
type cdrCounter struct {
	dir   string
	read  map[string]int64
	lines int
}

func (c *cdrCounter) count(b *testing.B) int {
	files, err := filepath.Glob(filepath.Join(c.dir, "cdr-*.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(io.NewSectionReader(f, c.read[name], 1<<40))
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		c.read[name] += int64(len(data))
		c.lines += bytes.Count(data, []byte("\n"))
	}
	return c.lines
}
