package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// httpError is an answer that is not a success.
type httpError struct {
	status int
	reason string // shown to the recipient: says why there is no message
	err    error  // the cause, for the log only
}

func (e *httpError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.reason, e.err)
	}
	return fmt.Sprintf("%d %s", e.status, e.reason)
}

func (e *httpError) Unwrap() error { return e.err }

func fail(status int, reason string, err error) error {
	return &httpError{status: status, reason: reason, err: err}
}

// reply is the one place where an error becomes an HTTP answer: a small
// page a phone can read, under the same headers as the message page.
// Errors that are not an httpError are our trouble: 500, with nothing
// internal in the body.
func reply(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	var he *httpError
	if !errors.As(err, &he) {
		he = &httpError{status: http.StatusInternalServerError, reason: "Temporary failure, please try again later", err: err}
	}
	level := slog.LevelInfo
	if he.status >= 500 {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, "web: request refused", "method", r.Method, "path", r.URL.Path,
		"remote", r.RemoteAddr, "status", he.status, "err", he.Error())
	writeHTML(w, r, he.status, errorTemplate, he.reason)
}
