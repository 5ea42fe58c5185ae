package admin

import (
	"net/http"
)

// stats is the traffic at a glance.
type stats struct {
	Recipients map[string]int `json:"recipients"` // by state
	Messages   map[string]int `json:"messages"`   // by the interface they came by
	LastMinute int            `json:"received_last_minute"`
	LastHour   int            `json:"received_last_hour"`
	PerSecond  struct {
		LastMinute float64 `json:"last_minute"`
		LastHour   float64 `json:"last_hour"`
	} `json:"received_per_second"`
}

func (a *Admin) stats(w http.ResponseWriter, r *http.Request) {
	st, err := a.b.Messages.Stats(r.Context(), a.cfg.Now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := stats{Recipients: map[string]int{}, Messages: map[string]int{}, LastMinute: st.LastMinute, LastHour: st.LastHour}
	for k, n := range st.Recipients {
		out.Recipients[string(k)] = n
	}
	for k, n := range st.Messages {
		out.Messages[string(k)] = n
	}
	out.PerSecond.LastMinute = float64(st.LastMinute) / 60
	out.PerSecond.LastHour = float64(st.LastHour) / 3600
	writeJSON(w, http.StatusOK, out)
}

// readiness is /readyz's answer.
type readiness struct {
	Status string `json:"status"` // ready, or not ready
	Error  string `json:"error,omitempty"`
	SMSC   string `json:"smsc,omitempty"` // up, down: reported, never gating
}

// readyz says whether the node can serve: 200, or 503 with what is wrong.
// Like /healthz it needs no token, for a load balancer's probe.
func (a *Admin) readyz(w http.ResponseWriter, r *http.Request) {
	out, status := readiness{Status: "ready"}, http.StatusOK
	if a.b.Ready != nil {
		if err := a.b.Ready(r.Context()); err != nil {
			out.Status, out.Error, status = "not ready", err.Error(), http.StatusServiceUnavailable
		}
	}
	if a.b.SMSC != nil {
		out.SMSC = "down"
		if a.b.SMSC() {
			out.SMSC = "up"
		}
	}
	writeJSON(w, status, out)
}
