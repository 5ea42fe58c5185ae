package smpp

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkSubmit measures one-segment WAP Push submits over loopback to
// the fake SMSC (on the same cores) with the rate limit off: enough
// goroutines to keep the default window of 10 full, as a busy MMSC would.
func BenchmarkSubmit(b *testing.B) {
	srv := newServer(b)
	cfg := testConfig(srv.Addr())
	cfg.SubmitsPerSecond = -1
	c := startClient(b, cfg, discardLogger(), nil)
	connected(b, c)
	m := push("+447700900456", seg2)

	b.SetParallelism(max(1, cfg.withDefaults().Window/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Submit(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
