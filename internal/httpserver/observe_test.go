package httpserver

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// requests records what an Observer is told.
type requests struct {
	mu      sync.Mutex
	served  []string // pattern code
	refused int
}

func (o *requests) Served(pattern string, code int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.served = append(o.served, pattern+" "+http.StatusText(code))
}

func (o *requests) TurnedAway() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused++
}

func (o *requests) seen() ([]string, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.served), o.refused
}

// TestObserver: each request is told by the ServeMux pattern that served
// it and its status, whatever the handler wrote or left unwritten; one no
// pattern matched, by none.
func TestObserver(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /mms/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") == "gone" {
			http.Error(w, "no such message", http.StatusNotFound)
			return
		}
		io.WriteString(w, "m-retrieve-conf")
	})
	mux.HandleFunc("POST /mms", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {}) // writes nothing: 200
	obs := &requests{}
	addr := start(t, mux, Config{Observer: obs})

	c := dial(t, addr, "")
	for _, req := range []string{"GET /mms/abc", "GET /mms/gone", "POST /mms", "GET /healthz", "GET /nothing/here", "PUT /mms"} {
		method, path, _ := strings.Cut(req, " ")
		body := ""
		if method == "POST" || method == "PUT" {
			body = "Content-Length: 0\r\n"
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, method+" "+path+" HTTP/1.1\r\nHost: x\r\n"+body+"\r\n")
		c.status(t)
	}
	served, refused := obs.seen()
	want := []string{"GET /mms/{token} OK", "GET /mms/{token} Not Found", "POST /mms No Content", "GET /healthz OK",
		" Not Found", " Method Not Allowed"}
	if !slices.Equal(served, want) {
		t.Errorf("served %q, want %q", served, want)
	}
	if refused != 0 {
		t.Errorf("%d connections turned away, want none", refused)
	}
}

// A connection refused at the caps is told as turned away.
func TestObserverTurnedAway(t *testing.T) {
	h, in, release := busy()
	defer close(release)
	obs := &requests{}
	addr := start(t, h, Config{Observer: obs, MaxConns: 1, MaxConnsPerIP: 1})
	c := dial(t, addr, "")
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-in
	if got := dial(t, addr, "").get(t); got != 503 {
		t.Fatalf("a connection over the cap: %d, want 503", got)
	}
	if _, refused := obs.seen(); refused != 1 {
		t.Errorf("%d turned away, want 1", refused)
	}
}
