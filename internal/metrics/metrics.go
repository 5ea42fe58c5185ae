package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Metrics is every collector of the MMSC, in a registry of its own.
type Metrics struct {
	reg *prometheus.Registry

	accepted     *prometheus.CounterVec   // interface, account
	acceptTime   *prometheus.HistogramVec // interface
	refusals     *prometheus.CounterVec   // interface, reason
	commitTime   prometheus.Observer
	commitWrites prometheus.Observer
	attempts     *prometheus.CounterVec   // route, outcome
	notifyDelay  *prometheus.HistogramVec // route
	smppUp       prometheus.Gauge
	smppSubmits  *prometheus.CounterVec // status
	httpRequests *prometheus.CounterVec // endpoint, code
	outbound     *prometheus.CounterVec // interface, peer, kind, result

	handler http.Handler
}

// New returns the collectors, registered, with the Go runtime's and the
// process's. log (nil: none) takes what goes wrong while serving a scrape.
func New(log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// A durable write is a sync, a millisecond or a few on a good disk and
	// tens on a poor one; a first notification adds a lease, a read and the
	// SMSC's answer, and waits behind any backlog.
	writes := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	notify := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}
	m := &Metrics{
		reg: r,
		accepted: counter(r, "mmsc_messages_accepted_total",
			`Messages stored durably and answered as accepted, by the interface they came by and the account ("" for a handset).`,
			"interface", "account"),
		acceptTime: histogram(r, "mmsc_accept_duration_seconds",
			"Time from the start of the accept path to the store returning the message durable, by interface.",
			writes, "interface"),
		refusals: counter(r, "mmsc_refusals_total",
			`Refusals of a message or a step towards one (login, recipient, connection), by interface ("http": the shared HTTP listener's connection caps) and reason.`,
			"interface", "reason"),
		commitTime: histogram(r, "mmsc_store_commit_duration_seconds",
			"Time one group commit of the store takes: its content synced and its transaction committed.",
			writes).WithLabelValues(),
		commitWrites: histogram(r, "mmsc_store_commit_writes",
			"Writes (an accepted message, a lease, an outcome, ...) that one group commit of the store carries.",
			prometheus.ExponentialBuckets(1, 2, 9)).WithLabelValues(), // 1 to 256, the most a batch takes
		attempts: counter(r, "mmsc_delivery_attempts_total",
			"Delivery attempts by route kind (mm1, wappush, weblink, mm4, mm7) and outcome (the recipient's new state, notified, retry or wait).",
			"route", "outcome"),
		notifyDelay: histogram(r, "mmsc_first_notification_delay_seconds",
			"Time from a message's acceptance (or the delivery time its sender asked for, if later) to its recipient's first notification reaching the SMSC, by route kind.",
			notify, "route"),
		smppUp: gauge(r, "mmsc_smpp_link_up", "1 while the SMPP link to the SMSC is bound, else 0."),
		smppSubmits: counter(r, "mmsc_smpp_submits_total",
			"submit_sm answered by the SMSC, by command status name (ESME_ROK, ...), or timeout when no answer came.",
			"status"),
		httpRequests: counter(r, "mmsc_http_requests_total",
			`HTTP requests by the pattern that served them ("unmatched" for none) and status code.`,
			"endpoint", "code"),
		outbound: counter(r, "mmsc_outbound_requests_total",
			"Requests to peer MMSCs (MM4) and VASPs (MM7) by interface, peer or VASP, kind (forward, report, deliver) and result (ok, temporary, permanent).",
			"interface", "peer", "kind", "result"),
	}
	// Refusals are rare: show each at zero, so that a rate over them has a
	// start and a dashboard names every reason.
	for _, iface := range []mms.Interface{mms.InterfaceMM4, mms.InterfaceMM1, mms.InterfaceMM7} {
		for _, why := range mms.Refusals() {
			m.refusals.WithLabelValues(string(iface), string(why))
		}
	}
	m.refusals.WithLabelValues(httpListener, string(mms.RefusedConnections))
	// A collector that fails (the store cannot be read) is logged, counted
	// in promhttp_metric_handler_errors_total and left out; the rest are
	// served.
	m.handler = promhttp.HandlerFor(r, promhttp.HandlerOpts{
		ErrorLog:      errorLog{log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      r,
	})
	return m
}

func counter(r *prometheus.Registry, name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	r.MustRegister(c)
	return c
}

func histogram(r *prometheus.Registry, name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	r.MustRegister(h)
	return h
}

func gauge(r *prometheus.Registry, name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	r.MustRegister(g)
	return g
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// errorLog gives promhttp's errors to slog.
type errorLog struct{ log *slog.Logger }

func (e errorLog) Println(v ...any) { e.log.Warn("metrics: scrape", "err", fmt.Sprint(v...)) }
