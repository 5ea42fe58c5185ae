package metrics

import (
	"strconv"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// What Metrics is told by the packages it measures, each through an
// interface that package declares. Every method is safe for concurrent use
// and costs a label lookup and an atomic add or two.

// httpListener is the interface label of refusals by the shared HTTP
// listener, which turns a connection away before it knows which edge the
// request was for.
const httpListener = "http"

// Accepted counts a message stored durably, with how long the accept path
// took to make it so (accept.Observer).
func (m *Metrics) Accepted(o mms.Origin, took time.Duration) {
	m.accepted.WithLabelValues(string(o.Interface), o.Account).Inc()
	m.acceptTime.WithLabelValues(string(o.Interface)).Observe(took.Seconds())
}

// Committed times one group commit of the store and counts the writes it
// carried (store.Observer).
func (m *Metrics) Committed(writes int, took time.Duration) {
	m.commitTime.Observe(took.Seconds())
	m.commitWrites.Observe(float64(writes))
}

// Attempted counts a delivery attempt on route kind with its outcome
// (delivery.Observer).
func (m *Metrics) Attempted(route, outcome string) {
	m.attempts.WithLabelValues(route, outcome).Inc()
}

// Notified times a recipient's first notification from when its message
// could first go (delivery.Observer).
func (m *Metrics) Notified(route string, after time.Duration) {
	m.notifyDelay.WithLabelValues(route).Observe(after.Seconds())
}

// Linked follows the SMPP link going up or down (smpp.Observer).
func (m *Metrics) Linked(up bool) {
	if up {
		m.smppUp.Set(1)
	} else {
		m.smppUp.Set(0)
	}
}

// Submitted counts a submit_sm's answer by its command status name
// (smpp.Observer).
func (m *Metrics) Submitted(status string) {
	m.smppSubmits.WithLabelValues(status).Inc()
}

// Served counts an HTTP request by the pattern that served it and its
// status code (httpserver.Observer).
func (m *Metrics) Served(pattern string, code int) {
	if pattern == "" {
		pattern = "unmatched"
	}
	m.httpRequests.WithLabelValues(pattern, strconv.Itoa(code)).Inc()
}

// TurnedAway counts a connection the HTTP listener refused at its caps
// (httpserver.Observer).
func (m *Metrics) TurnedAway() {
	m.refusals.WithLabelValues(httpListener, string(mms.RefusedConnections)).Inc()
}

// Ingress is what an ingress of iface tells of its refusals (the Observer
// of smtpd, mm1 and mm7).
func (m *Metrics) Ingress(iface mms.Interface) Ingress {
	return Ingress{m: m, iface: string(iface)}
}

// Ingress counts one interface's refusals.
type Ingress struct {
	m     *Metrics
	iface string
}

// Refused counts a refusal for its reason.
func (i Ingress) Refused(why mms.Refusal) {
	i.m.refusals.WithLabelValues(i.iface, string(why)).Inc()
}

// Outbound is what the client of iface tells of its requests to peers or
// VASPs (the Observer of mm4out and mm7out).
func (m *Metrics) Outbound(iface mms.Interface) Outbound {
	return Outbound{m: m, iface: string(iface)}
}

// Outbound counts one interface's requests to the far side.
type Outbound struct {
	m     *Metrics
	iface string
}

// Sent counts one request of kind to peer by its result: ok for nil,
// permanent for an error marked so, temporary for any other.
func (o Outbound) Sent(peer, kind string, err error) {
	result := "ok"
	switch {
	case mms.IsPermanent(err):
		result = "permanent"
	case err != nil:
		result = "temporary"
	}
	o.m.outbound.WithLabelValues(o.iface, peer, kind, result).Inc()
}
