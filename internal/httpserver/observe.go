package httpserver

import "net/http"

// Observer is told of every request served and every connection turned
// away at the caps.
type Observer interface {
	// Served: a request was answered with code by the handler of the
	// ServeMux pattern ("GET /mms/{token}"); "" when no pattern matched.
	Served(pattern string, code int)
	// TurnedAway: a connection was refused with a 503 before a request
	// was read.
	TurnedAway()
}

// observeRequests tells obs of every request h serves. It must wrap the
// ServeMux itself: the mux writes the pattern it matched into the request
// it is given, and a handler in between that copied the request
// (WithContext) would hide it.
func observeRequests(h http.Handler, obs Observer) http.Handler {
	if obs == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		obs.Served(r.Pattern, sw.code())
	})
}

// statusWriter remembers the status of the answer written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim: the final status comes after
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status answered: 200 for a handler that wrote nothing, as
// net/http then sends.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
