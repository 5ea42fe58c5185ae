package main

import (
	"net/http"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/httpserver"
	"github.com/mmsc-project/mmsc/internal/metrics"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mm4out"
	"github.com/mmsc-project/mmsc/internal/mm7"
	"github.com/mmsc-project/mmsc/internal/mm7out"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smpp"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/store"
)

// observers are what serve hands the packages it measures: the metrics,
// or nil for each when there are none (tests, the benchmark's "off"
// half), so that the packages skip the call altogether. A nil
// *metrics.Metrics would not do: in an interface it is not nil.
type observers struct {
	accept   accept.Observer
	delivery delivery.Observer
	smpp     smpp.Observer
	http     httpserver.Observer
	mm4out   mm4out.Observer
	mm7out   mm7out.Observer
	mm4      smtpd.Observer
	mm1      mm1.Observer
	mm7      mm7.Observer
}

func observe(m *metrics.Metrics) observers {
	if m == nil {
		return observers{}
	}
	return observers{
		accept:   m,
		delivery: m,
		smpp:     m,
		http:     m,
		mm4out:   m.Outbound(mms.InterfaceMM4),
		mm7out:   m.Outbound(mms.InterfaceMM7),
		mm4:      m.Ingress(mms.InterfaceMM4),
		mm1:      m.Ingress(mms.InterfaceMM1),
		mm7:      m.Ingress(mms.InterfaceMM7),
	}
}

// measureStore has m measure st's group commits and read the queue's
// depth from it; nothing without metrics.
func measureStore(m *metrics.Metrics, st *store.Store) error {
	if m == nil {
		return nil
	}
	st.Observe(m)
	return m.WatchQueue(st)
}

// metricsHandler is what the admin listener serves at GET /metrics (behind
// its token); nil when serve is not measuring.
func metricsHandler(m *metrics.Metrics) http.Handler {
	if m == nil {
		return nil
	}
	return m.Handler()
}
