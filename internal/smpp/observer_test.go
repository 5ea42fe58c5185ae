package smpp

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// linkWatcher records what an Observer is told.
type linkWatcher struct {
	mu      sync.Mutex
	links   []bool
	submits []string
}

func (w *linkWatcher) Linked(up bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.links = append(w.links, up)
}

func (w *linkWatcher) Submitted(status string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.submits = append(w.submits, status)
}

func (w *linkWatcher) seen() ([]bool, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.links), slices.Clone(w.submits)
}

// TestObserver: the observer hears the link go up, down and up again, and
// every submit_sm's answer by its status name, once each segment; a
// submit_sm left unanswered is a timeout.
func TestObserver(t *testing.T) {
	srv := newServer(t)
	w := &linkWatcher{}
	cfg := testConfig(srv.Addr())
	cfg.Observer = w
	cfg.SubmitTimeout = 200 * time.Millisecond
	c := startClient(t, cfg, discardLogger(), nil)
	connected(t, c)

	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1, seg2)); err != nil {
		t.Fatal(err)
	}
	srv.SetHandler(func(smsctest.Submit) uint32 { return 0x58 })
	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1)); err == nil {
		t.Fatal("ESME_RTHROTTLED was taken for success")
	}
	srv.SetHandler(func(smsctest.Submit) uint32 { return smsctest.NoResponse })
	if _, err := c.Submit(ctxFor(t), push("+447700900456", seg1)); !errors.Is(err, ErrResponseTimeout) {
		t.Fatalf("unanswered: %v, want a timeout", err)
	}
	srv.SetHandler(nil)
	srv.DropLinks()
	if err := srv.Wait(ctxFor(t), func() bool { return srv.Binds() >= 2 }); err != nil {
		t.Fatal(err)
	}
	connected(t, c)

	links, submits := w.seen()
	if want := []string{"ESME_ROK", "ESME_ROK", "ESME_RTHROTTLED", "timeout"}; !slices.Equal(submits, want) {
		t.Errorf("submits told %v, want %v", submits, want)
	}
	if want := []bool{true, false, true}; !slices.Equal(links, want) {
		t.Errorf("link told %v, want %v", links, want)
	}
}
