package store

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store/pgtest"
)

// benchMessage returns a function giving ~30 KB messages (30 KB raw plus a
// 22 KB picture and a line of text, one recipient) that share their bytes,
// so that the benchmark measures the store and not the making of messages.
func benchMessage() (next func() *mms.Message, size int64) {
	proto := sizedMessage("proto", time.Now(), 30*1024, 22*1024)
	size = int64(len(proto.Raw))
	for _, p := range proto.Parts {
		size += int64(len(p.Data))
	}
	return func() *mms.Message {
		m := *proto
		m.Received = time.Now()
		m.ID = mms.NewMessageID(m.Received)
		// Each recipient has its own token and transaction ID, as relay gives.
		m.Recipients = []mms.Recipient{{Address: proto.Recipients[0].Address, Route: mms.RouteMM1,
			Token: mms.NewToken(), TransactionID: mms.NewTransactionID()}}
		return &m
	}, size
}

// BenchmarkAccept30KB is the SMTP front door under load: 16 concurrent
// submitters on the 2-CPU target (16/GOMAXPROCS per CPU), every Accept
// durable. It reports the rate and the latency callers see.
//
//	MMSC_TEST_POSTGRES_DSN=... go test -run='^$' -bench=Accept30KB ./internal/store
func BenchmarkAccept30KB(b *testing.B) {
	for _, bk := range benchBackends() {
		b.Run(bk.name, func(b *testing.B) { benchAccept30KB(b, bk) })
	}
}

func benchAccept30KB(b *testing.B, bk backend) { benchAcceptOn(b, bk.open(b, bk.fresh(b))) }

// benchAcceptOn is BenchmarkAccept30KB on store s.
func benchAcceptOn(b *testing.B, s *Store) {
	next, size := benchMessage()
	b.SetBytes(size)
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	var mu sync.Mutex
	var latencies []time.Duration
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var l []time.Duration
		for pb.Next() {
			start := time.Now()
			if err := s.Accept(context.Background(), next()); err != nil {
				b.Error(err)
				return
			}
			l = append(l, time.Since(start))
		}
		mu.Lock()
		latencies = append(latencies, l...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		b.ReportMetric(float64(latencies[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[n*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkAcceptSerial is one submitter: a batch of one and an fsync per
// message, the baseline that group commit is measured against.
func BenchmarkAcceptSerial(b *testing.B) {
	s := open(b, b.TempDir())
	next, size := benchMessage()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if err := s.Accept(context.Background(), next()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkPostgresCeiling is what the PostgreSQL server of the benchmark
// machine takes at most of the same bytes: 16 connections each inserting
// one row per transaction with a message's content (30 KB raw and a 22 KB
// part, stored as the store stores them), into a table with nothing else.
// Accept30KB/postgres over this is how much of the server the store uses:
//
//	MMSC_TEST_POSTGRES_DSN=... go test -run='^$' -bench='Accept30KB|PostgresCeiling' ./internal/store
func BenchmarkPostgresCeiling(b *testing.B) {
	where := pgtest.Fresh(b)
	db, err := sql.Open("pgx", where)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(16)
	if _, err := db.Exec(`CREATE TABLE ceiling (id BIGSERIAL PRIMARY KEY, raw BYTEA NOT NULL, data BYTEA NOT NULL);
ALTER TABLE ceiling ALTER COLUMN raw SET STORAGE EXTERNAL;
ALTER TABLE ceiling ALTER COLUMN data SET STORAGE EXTERNAL`); err != nil {
		b.Fatal(err)
	}
	next, size := benchMessage()
	m := next()
	b.SetBytes(size)
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Exec(`INSERT INTO ceiling (raw, data) VALUES ($1, $2)`, m.Raw, m.Parts[1].Data); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
