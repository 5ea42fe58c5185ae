package httpserver

import (
	"io"
	"net/http"
	"time"
)

// paceBodies gives every request body a read deadline of its start plus
// grace plus one second per rate bytes received, renewed as bytes arrive.
// net/http's own ReadTimeout cannot say this: it bounds the whole request
// whatever its size.
func paceBodies(h http.Handler, grace time.Duration, rate int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			b := &pacedBody{ReadCloser: r.Body, rc: http.NewResponseController(w), start: time.Now(), grace: grace, rate: rate}
			b.renew()
			r.Body = b
		}
		h.ServeHTTP(w, r)
	})
}

type pacedBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  int
	got   int64
}

func (b *pacedBody) renew() {
	b.rc.SetReadDeadline(b.start.Add(b.grace + time.Duration(b.got)*time.Second/time.Duration(b.rate)))
}

func (b *pacedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.got += int64(n)
	// At the end of the body net/http clears the deadline and reads on in
	// the background to notice a client that goes away, cancelling the
	// request if that read fails: a deadline set after the end would cut
	// short a handler that takes its time.
	if err == nil {
		b.renew()
	}
	return n, err
}
