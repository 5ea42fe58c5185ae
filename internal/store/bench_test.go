package store

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
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
		return &m
	}, size
}

// BenchmarkAccept30KB is the SMTP front door under load: 16 concurrent
// submitters (8 per CPU on the 2-CPU target), every Accept durable.
func BenchmarkAccept30KB(b *testing.B) {
	s := open(b, b.TempDir())
	if v := os.Getenv("CKPT"); v != "" {
		if _, err := s.write.Exec("PRAGMA wal_autocheckpoint=" + v); err != nil {
			b.Fatal(err)
		}
	}
	next, size := benchMessage()
	b.SetBytes(size)
	b.SetParallelism(16 / max(1, testingProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Accept(context.Background(), next()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.Log(DbgReport())
	dbgBatches.Store(0); dbgOps.Store(0); dbgNanos.Store(0); dbgCommitNanos.Store(0)
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
	b.Log(DbgReport())
	dbgBatches.Store(0); dbgOps.Store(0); dbgNanos.Store(0); dbgCommitNanos.Store(0)
}

func testingProcs() int { return runtime.GOMAXPROCS(0) }
