package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mmsc-project/mmsc/internal/metrics"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// scrapeMetrics is what the admin listener's GET /metrics serves, as
// Prometheus parses it.
func scrapeMetrics(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	metricsHandler(m).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// sample is the value of name's series with exactly labels: a counter's
// or gauge's value, a histogram's count; 0 if there is none yet.
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, s := range fams[name].GetMetric() {
		match := len(s.GetLabel()) == len(want)
		for _, l := range s.GetLabel() {
			match = match && want[l.GetName()] == l.GetValue()
		}
		switch {
		case !match:
		case s.GetCounter() != nil:
			return s.GetCounter().GetValue()
		case s.GetGauge() != nil:
			return s.GetGauge().GetValue()
		case s.GetHistogram() != nil:
			return float64(s.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

// moved is how far each series of want moved between two scrapes.
type series struct {
	name   string
	labels []string
}

func moved(before, after map[string]*dto.MetricFamily, s series) float64 {
	return sample(after, s.name, s.labels...) - sample(before, s.name, s.labels...)
}

// submitAs sends msg over SMTP with AUTH PLAIN as user.
func submitAs(t *testing.T, addr, user, password string, msg []byte) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Auth(sasl.NewPlainClient("", user, password)); err != nil {
		return err
	}
	_, err = submitOne(c, msg)
	return err
}

// TestMetricsMove: the metrics that the admin listener serves move with
// what the server does, end to end: an MM4 submission over SMTP, an MM7
// SubmitReq over HTTP, a login with a bad password, the notifications
// through the SMSC that the two messages cause, and a forward to a peer.
func TestMetricsMove(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	peer := startPeer(t)
	path := deliveryConfig(t, smsc.Addr())
	for _, args := range [][]string{
		{"vasp", "add", "acme", "-password", "secret"},
		{"vasp", "add", "news", "-password", "secret"},
		{"route", "add", "pl", "-match", "+48*", "-host", peer.addr, "-domain", "mms.mnc001.mcc260.gprs", "-tls", "none"},
	} {
		if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	m := metrics.New(nil)
	addrs := serveMeasured(t, path, m)
	before := scrapeMetrics(t, m)

	if err := submitAs(t, addrs["SMTP (MM4)"], "acme", "secret", benchMessage(t)); err != nil {
		t.Fatal(err)
	}
	if err := submitAs(t, addrs["SMTP (MM4)"], "acme", "wrong", benchMessage(t)); err == nil {
		t.Fatal("a bad password was let in")
	}
	ct, body := goldenMM7(t, "rel6-6.8.0.mm7")
	body = bytes.Replace(body, []byte("<LinkedID>link-7</LinkedID>"), nil, 1)
	body = bytes.Replace(body, []byte("<EarliestDeliveryTime>PT2H</EarliestDeliveryTime>"), nil, 1)
	if code, answer := sendMM7(t, addrs["HTTP"], "news", ct, body); code != 200 || !bytes.Contains(answer, []byte("<MessageID>")) {
		t.Fatalf("SubmitReq: HTTP %d\n%s", code, answer)
	}

	after := scrapeMetrics(t, m)
	for _, c := range []struct {
		series
		least, most float64
	}{
		{series{"mmsc_messages_accepted_total", []string{"interface", "mm4", "account", "acme"}}, 1, 1},
		{series{"mmsc_accept_duration_seconds", []string{"interface", "mm4"}}, 1, 1},
		{series{"mmsc_messages_accepted_total", []string{"interface", "mm7", "account", "news"}}, 1, 1},
		{series{"mmsc_accept_duration_seconds", []string{"interface", "mm7"}}, 1, 1},
		{series{"mmsc_refusals_total", []string{"interface", "mm4", "reason", "auth"}}, 1, 1},
		{series{"mmsc_refusals_total", []string{"interface", "mm7", "reason", "auth"}}, 0, 0},
		{series{"mmsc_http_requests_total", []string{"endpoint", "POST /mm7", "code", "200"}}, 1, 1},
		{series{"mmsc_store_commit_writes", nil}, 1, 100},
	} {
		if got := moved(before, after, c.series); got < c.least || got > c.most {
			t.Errorf("%s%v moved by %v, want %v to %v", c.name, c.labels, got, c.least, c.most)
		}
	}
	if _, ok := after["mmsc_queue_depth"]; !ok {
		t.Error("no mmsc_queue_depth: the store's depth is not read")
	}

	// Both messages are notified; the engine tells of it once the SMSC
	// has answered.
	for _, s := range []series{
		{"mmsc_delivery_attempts_total", []string{"route", "mm1", "outcome", "notified"}},
		{"mmsc_first_notification_delay_seconds", []string{"route", "mm1"}},
		{"mmsc_smpp_submits_total", []string{"status", "ESME_ROK"}}, // a segment or more each
	} {
		waitMoved(t, m, before, s, 2)
	}
	if up := sample(scrapeMetrics(t, m), "mmsc_smpp_link_up"); up != 1 {
		t.Errorf("mmsc_smpp_link_up %v while bound", up)
	}

	submitTo(t, addrs["SMTP (MM4)"], benchMessage(t), "+48600100200/TYPE=PLMN@mms.example.net")
	peer.wait(t, 1)
	for _, s := range []series{
		{"mmsc_outbound_requests_total", []string{"interface", "mm4", "peer", "pl", "kind", "forward", "result", "ok"}},
		{"mmsc_delivery_attempts_total", []string{"route", "mm4", "outcome", "sent"}},
	} {
		waitMoved(t, m, before, s, 1)
	}
}

// waitMoved waits until s has moved by want or more since before.
func waitMoved(t *testing.T, m *metrics.Metrics, before map[string]*dto.MetricFamily, s series, want float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := moved(before, scrapeMetrics(t, m), s)
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s%v moved by %v, want %v", s.name, s.labels, got, want)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
