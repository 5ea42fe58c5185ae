package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// exercised is a Metrics that every observer method has been called on,
// so that every labelled metric has a series.
func exercised(t *testing.T) *Metrics {
	t.Helper()
	m := New(slog.New(slog.DiscardHandler))
	m.Accepted(mms.Origin{Interface: mms.InterfaceMM4, Account: "acme"}, 3*time.Millisecond)
	m.Ingress(mms.InterfaceMM7).Refused(mms.RefusedAuth)
	m.Committed(12, 2*time.Millisecond)
	m.Attempted("mm1", "notified")
	m.Notified("mm1", 40*time.Millisecond)
	m.Linked(true)
	m.Submitted("ESME_ROK")
	m.Served("GET /mms/{token}", 200)
	m.Served("", 404)
	m.TurnedAway()
	m.Outbound(mms.InterfaceMM4).Sent("peer1", "forward", nil)
	if err := m.WatchQueue(fixedQueue{mms.StateQueued: 3, mms.StateNotified: 1}); err != nil {
		t.Fatal(err)
	}
	return m
}

type fixedQueue map[mms.State]int

func (q fixedQueue) DeliveriesByState(context.Context) (map[mms.State]int, error) { return q, nil }

// scrape is what the handler serves, parsed as Prometheus parses it.
func scrape(t *testing.T, h http.Handler) (map[string]*dto.MetricFamily, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.Bytes()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the Prometheus text parser refuses the scrape: %v\n%s", err, body)
	}
	return fams, body
}

// Every metric the README lists is there once, with its type and labels.
func TestEveryMetric(t *testing.T) {
	fams, _ := scrape(t, exercised(t).Handler())
	want := []struct {
		name   string
		typ    dto.MetricType
		labels []string
	}{
		{"mmsc_messages_accepted_total", dto.MetricType_COUNTER, []string{"account", "interface"}},
		{"mmsc_accept_duration_seconds", dto.MetricType_HISTOGRAM, []string{"interface"}},
		{"mmsc_refusals_total", dto.MetricType_COUNTER, []string{"interface", "reason"}},
		{"mmsc_store_commit_duration_seconds", dto.MetricType_HISTOGRAM, nil},
		{"mmsc_store_commit_writes", dto.MetricType_HISTOGRAM, nil},
		{"mmsc_delivery_attempts_total", dto.MetricType_COUNTER, []string{"outcome", "route"}},
		{"mmsc_first_notification_delay_seconds", dto.MetricType_HISTOGRAM, []string{"route"}},
		{"mmsc_queue_depth", dto.MetricType_GAUGE, []string{"state"}},
		{"mmsc_smpp_link_up", dto.MetricType_GAUGE, nil},
		{"mmsc_smpp_submits_total", dto.MetricType_COUNTER, []string{"status"}},
		{"mmsc_http_requests_total", dto.MetricType_COUNTER, []string{"code", "endpoint"}},
		{"mmsc_outbound_requests_total", dto.MetricType_COUNTER, []string{"interface", "kind", "peer", "result"}},
	}
	ours := 0
	for name := range fams {
		if strings.HasPrefix(name, "mmsc_") {
			ours++
		}
	}
	if ours != len(want) {
		t.Errorf("%d mmsc_ metrics served, want %d: a new one belongs in this table and the README", ours, len(want))
	}
	for _, w := range want {
		f, ok := fams[w.name]
		if !ok {
			t.Errorf("%s is not served", w.name)
			continue
		}
		if f.GetType() != w.typ {
			t.Errorf("%s is a %v, want %v", w.name, f.GetType(), w.typ)
		}
		for _, s := range f.GetMetric() {
			if got := labelNames(s); !slices.Equal(got, w.labels) {
				t.Errorf("%s has labels %v, want %v", w.name, got, w.labels)
			}
		}
	}
}

func labelNames(s *dto.Metric) []string {
	var l []string
	for _, p := range s.GetLabel() {
		l = append(l, p.GetName())
	}
	slices.Sort(l)
	return l
}

// The names follow Prometheus's conventions, and no label carries anything
// a sender chooses. promtool, when installed (Debian's prometheus package),
// checks the scrape as well.
func TestConventions(t *testing.T) {
	fams, body := scrape(t, exercised(t).Handler())
	bounded := map[string]bool{"interface": true, "account": true, "reason": true, "route": true, "outcome": true,
		"state": true, "status": true, "endpoint": true, "code": true, "peer": true, "kind": true, "result": true}
	// Values that look like a number, a message ID or free text.
	unbounded := regexp.MustCompile(`^\+?[0-9]{5,}$|^[0-9a-z]{26}$|@|\s{2}`)
	for name, f := range fams {
		if !strings.HasPrefix(name, "mmsc_") {
			continue
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			if !strings.HasSuffix(name, "_total") {
				t.Errorf("counter %s does not end in _total", name)
			}
		case dto.MetricType_HISTOGRAM:
			if !strings.HasSuffix(name, "_seconds") && name != "mmsc_store_commit_writes" {
				t.Errorf("histogram %s is not of seconds", name)
			}
		default:
			if strings.HasSuffix(name, "_total") {
				t.Errorf("%s ends in _total but is a %v", name, f.GetType())
			}
		}
		if f.GetHelp() == "" {
			t.Errorf("%s has no help", name)
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if !bounded[l.GetName()] {
					t.Errorf("%s has the label %q, which is not known to be bounded", name, l.GetName())
				}
				if unbounded.MatchString(l.GetValue()) || len(l.GetValue()) > 64 {
					t.Errorf("%s{%s=%q}: that looks like a value without bound", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not installed (Debian package prometheus); checked with the text parser only")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// Every refusal reason is served at zero before the first, so that a rate
// over refusals has a start.
func TestRefusalsStartAtZero(t *testing.T) {
	fams, _ := scrape(t, New(slog.New(slog.DiscardHandler)).Handler())
	seen := map[string]bool{}
	for _, s := range fams["mmsc_refusals_total"].GetMetric() {
		key := ""
		for _, l := range s.GetLabel() {
			key += l.GetName() + "=" + l.GetValue() + ","
		}
		seen[key] = true
		if s.GetCounter().GetValue() != 0 {
			t.Errorf("%s: %v before any refusal", key, s.GetCounter().GetValue())
		}
	}
	for _, iface := range []string{"mm4", "mm1", "mm7"} {
		for _, r := range mms.Refusals() {
			if key := "interface=" + iface + ",reason=" + string(r) + ","; !seen[key] {
				t.Errorf("no series %s", key)
			}
		}
	}
}

// Observing moves what it should, by the labels it was given.
func TestObserversCount(t *testing.T) {
	m := New(slog.New(slog.DiscardHandler))
	for range 2 {
		m.Accepted(mms.Origin{Interface: mms.InterfaceMM7, Account: "news"}, 5*time.Millisecond)
	}
	m.Ingress(mms.InterfaceMM4).Refused(mms.RefusedSender)
	m.Outbound(mms.InterfaceMM7).Sent("news", "report", errors.New("connection refused"))
	m.Outbound(mms.InterfaceMM7).Sent("news", "report", mms.Permanent(errors.New("2001")))
	m.Linked(true)
	m.Linked(false)
	fams, _ := scrape(t, m.Handler())
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"mmsc_messages_accepted_total", map[string]string{"interface": "mm7", "account": "news"}, 2},
		{"mmsc_accept_duration_seconds", map[string]string{"interface": "mm7"}, 2},
		{"mmsc_refusals_total", map[string]string{"interface": "mm4", "reason": "sender"}, 1},
		{"mmsc_outbound_requests_total", map[string]string{"interface": "mm7", "peer": "news", "kind": "report", "result": "temporary"}, 1},
		{"mmsc_outbound_requests_total", map[string]string{"interface": "mm7", "peer": "news", "kind": "report", "result": "permanent"}, 1},
		{"mmsc_smpp_link_up", nil, 0},
	}
	for _, c := range checks {
		if got, ok := value(fams[c.name], c.labels); !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
}

// value is the sample of f with labels: a counter's or gauge's value, a
// histogram's count.
func value(f *dto.MetricFamily, labels map[string]string) (float64, bool) {
	for _, s := range f.GetMetric() {
		match := len(s.GetLabel()) == len(labels)
		for _, l := range s.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if !match {
			continue
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return s.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return s.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(s.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// countingQueue counts its reads and fails while err is set.
type countingQueue struct {
	reads int
	err   error
}

func (q *countingQueue) DeliveriesByState(context.Context) (map[mms.State]int, error) {
	q.reads++
	return map[mms.State]int{mms.StateQueued: q.reads}, q.err
}

// Scrapes read the store at most once per queueTTL, a failure included,
// and a failed read leaves the other metrics served.
func TestQueueDepthCached(t *testing.T) {
	now := time.Unix(1e9, 0)
	q := &countingQueue{}
	m := New(slog.New(slog.DiscardHandler))
	if err := m.reg.Register(newQueueDepth(q, func() time.Time { return now })); err != nil {
		t.Fatal(err)
	}
	depth := func() float64 {
		fams, _ := scrape(t, m.Handler())
		v, _ := value(fams["mmsc_queue_depth"], map[string]string{"state": "queued"})
		return v
	}
	if d := depth(); d != 1 || q.reads != 1 {
		t.Fatalf("first scrape: depth %v after %d reads", d, q.reads)
	}
	now = now.Add(queueTTL - time.Millisecond)
	if d := depth(); d != 1 || q.reads != 1 {
		t.Errorf("within the TTL: depth %v after %d reads, want the first read's", d, q.reads)
	}
	now = now.Add(time.Millisecond)
	if d := depth(); d != 2 || q.reads != 2 {
		t.Errorf("after the TTL: depth %v after %d reads, want a new read", d, q.reads)
	}

	q.err = errors.New("store down")
	now = now.Add(queueTTL)
	fams, _ := scrape(t, m.Handler())
	if _, ok := fams["mmsc_queue_depth"]; ok {
		t.Error("a failed read still served a depth")
	}
	if _, ok := fams["mmsc_refusals_total"]; !ok {
		t.Error("a failed read of the queue took the other metrics with it")
	}
	scrape(t, m.Handler())
	if q.reads != 3 {
		t.Errorf("%d reads: a failure is not kept for the TTL", q.reads)
	}
}

// WatchQueue twice is an error, not a panic.
func TestWatchQueueOnce(t *testing.T) {
	m := New(slog.New(slog.DiscardHandler))
	if err := m.WatchQueue(fixedQueue{}); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchQueue(fixedQueue{}); err == nil {
		t.Error("a second WatchQueue was registered")
	}
}

// The handler is plain text Prometheus reads.
func TestHandlerContentType(t *testing.T) {
	srv := httptest.NewServer(New(slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
}

// BenchmarkPerMessage is what the metrics cost one MM4 message on its
// way in: the accept path's observation and its share of a group commit's,
// from many goroutines at once as the SMTP sessions call them.
//
//	go test -run='^$' -bench=PerMessage ./internal/metrics
func BenchmarkPerMessage(b *testing.B) {
	m := New(slog.New(slog.DiscardHandler))
	origin := mms.Origin{Interface: mms.InterfaceMM4, Account: "acme"}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Accepted(origin, 3*time.Millisecond)
			m.Committed(16, 2*time.Millisecond)
		}
	})
}
