package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// heldRows is what a busy node holds at once: four queues of recipients
// with 32 workers each, and the outbox's 32.
const heldRows = 4*32 + 32

// leaseHeld accepts heldRows due messages and leases them all for owner,
// for a day: long enough to stay live through any benchmark.
func leaseHeld(b *testing.B, s *Store, owner string) []int64 {
	b.Helper()
	next, _ := benchMessage()
	for range heldRows {
		if err := s.Accept(context.Background(), next()); err != nil {
			b.Fatal(err)
		}
	}
	l, err := s.Lease(context.Background(), owner, time.Now(), 24*time.Hour, heldRows)
	if err != nil || len(l) != heldRows {
		b.Fatalf("lease: %d rows, %v", len(l), err)
	}
	return ids(l)
}

// BenchmarkRenew is one heartbeat of a busy node: one renewal of the
// leases on heldRows rows (in one table; the outbox's is another such
// write). A node makes one every lease/3, 5 s by default.
//
//	MMSC_TEST_POSTGRES_DSN=... go test -run='^$' -bench=Renew ./internal/store
func BenchmarkRenew(b *testing.B) {
	for _, bk := range benchBackends() {
		b.Run(bk.name, func(b *testing.B) {
			s := bk.open(b, bk.fresh(b))
			held := leaseHeld(b, s, "node")
			at := time.Now()
			for b.Loop() {
				at = at.Add(time.Millisecond) // each renewal moves every lease on
				got, err := s.Renew(context.Background(), "node", held, at, 25*time.Hour)
				if err != nil || len(got) != heldRows {
					b.Fatalf("renewed %d of %d: %v", len(got), heldRows, err)
				}
			}
		})
	}
}

// BenchmarkAccept30KBRenewing is BenchmarkAccept30KB beside a node's
// heartbeat, and without it in the same run: the heartbeat renews
// heldRows leases every 50 ms, a hundred times as often as a node does,
// so that its share of the writer shows above the noise.
//
//	MMSC_TEST_POSTGRES_DSN=... go test -run='^$' -bench=Accept30KBRenewing -count=3 ./internal/store
func BenchmarkAccept30KBRenewing(b *testing.B) {
	for _, bk := range benchBackends() {
		for _, renewing := range []bool{false, true} {
			name := bk.name + "/quiet"
			if renewing {
				name = bk.name + "/renewing"
			}
			b.Run(name, func(b *testing.B) {
				s := bk.open(b, bk.fresh(b))
				held := leaseHeld(b, s, "node")
				ctx, stop := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				if renewing {
					wg.Go(func() {
						t := time.NewTicker(50 * time.Millisecond)
						defer t.Stop()
						for {
							select {
							case <-ctx.Done():
								return
							case <-t.C:
							}
							if _, err := s.Renew(ctx, "node", held, time.Now(), 25*time.Hour); err != nil && ctx.Err() == nil {
								b.Error(err)
							}
						}
					})
				}
				defer wg.Wait()
				defer stop()
				benchAcceptOn(b, s)
			})
		}
	}
}
