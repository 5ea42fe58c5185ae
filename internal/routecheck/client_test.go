package routecheck

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func TestDecision(t *testing.T) {
	tests := []struct {
		body, want string
		err        error
	}{
		{"Route=plus", "plus", nil},
		{"OK\r\nRoute=Direct\r\n", "Direct", nil},
		{"<html><body>Route=Reject</body></html>", "Reject", nil},
		{"status=1&Route=mno-2&x=y", "mno-2", nil},
		{"nothing here", "", ErrNoDecision},
		{"Route=", "", ErrNoDecision},
	}
	for _, tt := range tests {
		got, err := decision(tt.body)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("decision(%q) = %q, %v; want %q, %v", tt.body, got, err, tt.want, tt.err)
		}
	}
}

func TestRoute(t *testing.T) {
	queries := make(chan url.Values, 3)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries <- r.URL.Query()
		switch r.URL.Query().Get("To") {
		case "+48600100200":
			w.Write([]byte("Route=plus"))
		case "+15550100":
			time.Sleep(200 * time.Millisecond)
		default:
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	c := New(srv.URL+"/route?key=k", 100*time.Millisecond)
	d, err := c.Route(context.Background(), "+447779998888", "acme", "+48600100200")
	if err != nil || d != "plus" {
		t.Fatalf("Route = %q, %v", d, err)
	}
	q := <-queries
	if q.Get("Type") != "MMSRouteCheck" || q.Get("From") != "+447779998888" || q.Get("VASPIN") != "acme" || q.Get("key") != "k" {
		t.Errorf("query %v", q)
	}
	if _, err := c.Route(context.Background(), "+447779998888", "", "+15550100"); err == nil {
		t.Error("a callback slower than the timeout gave no error")
	}
	if _, err := c.Route(context.Background(), "+447779998888", "", "+33600000000"); err == nil {
		t.Error("HTTP 500 gave no error")
	}
}
