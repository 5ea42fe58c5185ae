// Package httperr is what the HTTP edges (handset retrieval in mm1, the
// Multimedia WAP Push pages in web) share about refusing a request: an
// error that carries its status and a reason safe to show, and the one way
// any other error is answered (500, nothing internal shown) and logged.
// Each edge still writes the answer in its own form, in one place.
package httperr

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// Error is an answer that is not a success.
type Error struct {
	Status int
	Reason string // safe to show: says what was wrong, or why there is nothing
	Err    error  // the cause, for the log only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Reason, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// New is an Error.
func New(status int, reason string, err error) error {
	return &Error{Status: status, Reason: reason, Err: err}
}

// Refused is err as the answer to r, logged as edge's: err's own status
// and reason if it is an Error, else 500 with temporary as the reason,
// since any other error is our trouble and the client may try again.
// Refusals are logged at Info, our trouble at Error.
func Refused(r *http.Request, err error, log *slog.Logger, edge, temporary string) *Error {
	var he *Error
	if !errors.As(err, &he) {
		he = &Error{Status: http.StatusInternalServerError, Reason: temporary, Err: err}
	}
	level := slog.LevelInfo
	if he.Status >= 500 {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, edge+": request refused", "method", r.Method, "path", r.URL.Path,
		"remote", r.RemoteAddr, "status", he.Status, "err", he.Error())
	return he
}
