package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Queue is where the delivery queue's depth is read: the store's count of
// the recipients with work left, by state.
type Queue interface {
	DeliveriesByState(ctx context.Context) (map[mms.State]int, error)
}

// Reading the queue's depth is a query: scrapes, however many and however
// often, cause at most one per queueTTL, and one that hangs is given up
// after queueTimeout.
const (
	queueTTL     = 2 * time.Second
	queueTimeout = 5 * time.Second
)

// WatchQueue shows the depth of q as mmsc_queue_depth{state}, read when a
// scrape asks for it. It may be called once.
func (m *Metrics) WatchQueue(q Queue) error {
	return m.reg.Register(newQueueDepth(q, time.Now))
}

// queueDepth is a collector that asks at scrape time, with what it read
// kept for queueTTL: a failure too, so that a store in trouble is not
// asked again by every scrape.
type queueDepth struct {
	src  Queue
	desc *prometheus.Desc
	now  func() time.Time

	mu     sync.Mutex // one read at a time; the others wait and share it
	at     time.Time  // of the last read; zero before the first
	counts map[mms.State]int
	err    error
}

func newQueueDepth(q Queue, now func() time.Time) *queueDepth {
	return &queueDepth{src: q, now: now, desc: prometheus.NewDesc("mmsc_queue_depth",
		"Recipients with delivery work left, by state (queued, notified, deferred, sent), as of at most two seconds ago.",
		[]string{"state"}, nil)}
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	counts, err := q.read()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), string(state))
	}
}

func (q *queueDepth) read() (map[mms.State]int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if now := q.now(); q.at.IsZero() || now.Sub(q.at) >= queueTTL {
		ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
		defer cancel()
		q.counts, q.err = q.src.DeliveriesByState(ctx)
		q.at = now
	}
	return q.counts, q.err
}
