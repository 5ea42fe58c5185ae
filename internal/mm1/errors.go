package mm1

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// httpError is an answer to a handset that is not a success.
type httpError struct {
	status int
	reason string // safe to show: says what was wrong with the request
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

// reply is the one place where an error becomes an HTTP answer. Errors
// that are not an httpError are our trouble: 500 for a request the
// handset may repeat, with nothing internal in the body.
func reply(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	var he *httpError
	if !errors.As(err, &he) {
		he = &httpError{status: http.StatusInternalServerError, reason: "temporary failure, try again later", err: err}
	}
	level := slog.LevelInfo
	if he.status >= 500 {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, "mm1: request refused", "method", r.Method, "path", r.URL.Path,
		"remote", r.RemoteAddr, "status", he.status, "err", he.Error())
	http.Error(w, he.reason, he.status)
}
