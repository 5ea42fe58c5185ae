package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/web"
)

// clock is the handler's time, moved by the test while the server runs.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type fixture struct {
	st    *store.Store
	srv   *httptest.Server
	clock *clock
	t0    time.Time
	msg   *mms.Message
	token string // the WAP Push recipient's

	inflight atomic.Int64
	mu       sync.Mutex
	hits     map[string][]int // path → statuses, in the order served
}

// The parts of the test message, by index in m.Parts.
const (
	pSMIL = iota
	pText
	pImage
	pAudio
	pVideo
	pHTML
	pSVG
	pPDF
	pNoName
)

const hostileText = "Hello <script>alert(1)</script>\n<img src=x onerror=\"document.body.dataset.pwned=1\">\nline three & more"

// testPNG is a small real image, so that a browser has something to decode.
func testPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testMessage(t testing.TB) *mms.Message {
	return &mms.Message{
		From: "+447700900123/TYPE=PLMN@mms.example.net", To: []string{"+447700900456/TYPE=PLMN@mms.example.net"},
		Subject:    "Saturn <b>news</b>",
		Recipients: []mms.Recipient{{Address: "+447700900456", Route: mms.RouteWAPPush}, {Address: "+447700900789"}},
		Parts: []mms.Part{
			pSMIL:   {ContentType: "application/smil", ContentID: "<smil>", ContentLocation: "s.smil", Data: []byte(`<smil><body><par><img src="saturn.png"/></par></body></smil>`)},
			pText:   {ContentType: "text/plain; charset=utf-8", ContentLocation: "t.txt", Data: []byte(hostileText)},
			pImage:  {ContentType: "image/png", Name: "saturn.png", Data: testPNG(t)},
			pAudio:  {ContentType: "audio/amr", Name: "voice.amr", Data: append([]byte("#!AMR\n"), make([]byte, 3000)...)},
			pVideo:  {ContentType: "video/mp4", Name: "clip.mp4", Data: bytes.Repeat([]byte("0123456789"), 1000)},
			pHTML:   {ContentType: "text/html; charset=utf-8", Name: "page.html", Data: []byte(`<html><script>document.cookie="x=1"</script>hi</html>`)},
			pSVG:    {ContentType: "image/svg+xml", Name: "pic.svg", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
			pPDF:    {ContentType: "application/pdf", Name: "../../etc/Grüße \"x\".pdf", Data: []byte("%PDF-1.4 tiny")},
			pNoName: {ContentType: "application/octet-stream", Data: []byte{0, 1, 2, 3}},
		},
		Raw: []byte("raw"),
	}
}

// setup stores the test message for a WAP Push recipient and an MM1 one,
// and serves the web handler over it under prefix.
func setup(t testing.TB, cfg web.Config, prefix string) *fixture {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := time.Now().Truncate(time.Millisecond)
	f := &fixture{st: st, clock: &clock{t: t0}, t0: t0, msg: testMessage(t), hits: map[string][]int{}}
	f.msg.Date = t0.Add(-time.Minute)
	r := accept.New(st, accept.Config{Now: f.clock.now, Retain: 24 * time.Hour})
	if _, err := r.Accept(context.Background(), f.msg); err != nil {
		t.Fatal(err)
	}
	f.token = f.msg.Recipients[0].Token
	if f.token == "" {
		t.Fatal("the relay gave the WAP Push recipient no token")
	}
	cfg.Now = f.clock.now
	mux := http.NewServeMux()
	web.New(st, delivery.NewHandsets(st), cfg, log).Register(mux, prefix)
	f.srv = httptest.NewServer(f.record(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// record counts requests in flight and notes each path's statuses.
func (f *fixture) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.inflight.Add(1)
		defer f.inflight.Add(-1)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		f.mu.Lock()
		f.hits[r.URL.Path] = append(f.hits[r.URL.Path], sw.status)
		f.mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (f *fixture) statuses(path string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.hits[path]...)
}

// settle waits until no handler runs: a handler may still be recording a
// view after its response reached the client.
func (f *fixture) settle(t testing.TB) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if f.inflight.Load() == 0 {
			return
		}
	}
	t.Fatal("handlers still running after 10s")
}

func (f *fixture) state(t testing.TB, token string) mms.Delivery {
	t.Helper()
	f.settle(t)
	d, err := f.st.DeliveryByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *fixture) do(t testing.TB, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
