package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// BenchmarkDurableSubmitStores measures durable MM4 submissions per second
// (~30 KB messages, 16 connections, a 250 only after the commit) on each
// store: SQLite, PostgreSQL behind one node, and PostgreSQL behind three
// nodes that share it (in one process, each with its own writer and
// connections, the load balanced over them). SQLite in the same run is
// the baseline the others are compared with:
//
//	MMSC_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	go test -run='^$' -bench=DurableSubmitStores -benchtime=4000x ./cmd/mmsc
func BenchmarkDurableSubmitStores(b *testing.B) {
	const conns = 16
	msg := benchMessage(b)
	for _, tc := range []struct {
		name     string
		postgres bool
		nodes    int
	}{
		{"sqlite", false, 1},
		{"postgres-1-node", true, 1},
		{"postgres-3-nodes", true, 3},
	} {
		b.Run(tc.name, func(b *testing.B) {
			extra := ""
			if tc.postgres {
				extra = postgresConfig(postgresDSN(b))
			}
			path, _ := writeConfig(b, extra)
			if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
				b.Fatal(err)
			}
			var addrs []string
			for range tc.nodes {
				addrs = append(addrs, serveNode(b, path))
			}
			loadAcross(b, addrs, conns, 2*conns, msg) // warm up
			b.SetBytes(int64(len(msg)))
			b.ResetTimer()
			rate := loadAcross(b, addrs, conns, b.N, msg)
			b.StopTimer()
			b.ReportMetric(rate, "durable-msg/s")
			b.Logf("%s: %d messages of %d bytes over %d connections to %d node(s): %.0f msg/s",
				tc.name, b.N, len(msg), conns, tc.nodes, rate)
		})
	}
}

// serveNode runs mmsc serve on the configuration at path in this process
// until the benchmark ends, and returns its SMTP address.
func serveNode(b *testing.B, path string) string {
	b.Helper()
	cfg, err := loadConfig(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 4)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, func(what, addr string) {
			if what == "SMTP (MM4)" {
				addrc <- addr
			}
		})
	}()
	b.Cleanup(func() { cancel(); <-done })
	select {
	case addr := <-addrc:
		return addr
	case err := <-done:
		b.Fatalf("serve: %v", err)
	}
	return ""
}
