package mm4out

import (
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkSend sends a 30 KB MM4_forward.REQ to the in-process peer on the
// loopback from 16 concurrent senders: "reuse" over pooled sessions (NOOP,
// MAIL, RCPT, DATA per message), "fresh" over a new connection each time
// (plus greeting, EHLO and QUIT). The peer discards what it reads.
func BenchmarkSend(b *testing.B) {
	const senders = 16
	for _, bc := range []struct {
		name    string
		maxIdle int
	}{{"reuse", senders}, {"fresh", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			p := newPeer(b, func(p *peer) { p.discard = true })
			c := New(Config{MaxIdlePerPeer: bc.maxIdle, MaxConnsPerPeer: senders}, nil)
			defer c.Close()
			m := Mail{From: sender, To: []string{recipient}, Data: mm4Message(30 * 1024)}
			pr := Peer{Addr: p.addr, HELO: "mmsc.example.org", TLS: TLSNone}
			b.SetBytes(int64(len(m.Data)))
			b.ResetTimer()
			var next atomic.Int64
			var wg sync.WaitGroup
			for range senders {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if _, err := c.Send(b.Context(), pr, m); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.count != b.N {
				b.Errorf("peer took %d messages, want %d", p.count, b.N)
			}
		})
	}
}
