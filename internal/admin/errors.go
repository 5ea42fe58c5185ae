package admin

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeError answers {"error": reason} with status.
func writeError(w http.ResponseWriter, status int, reason string) {
	writeJSON(w, status, map[string]string{"error": reason})
}

// invalid is a request the domain refuses: 422 with the reason.
type invalid struct{ err error }

func (e invalid) Error() string { return e.err.Error() }

// fail answers err as JSON.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, reason := a.classify(r, err)
	writeError(w, status, reason)
}

// classify is the status and the words err is answered with: the one
// place the API and the console turn errors into statuses. Only the
// statuses that say what the client can fix show the error's text;
// trouble is logged and answered 500.
func (a *Admin) classify(r *http.Request, err error) (int, string) {
	var bad badRequest
	var inv invalid
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest, bad.Error()
	case errors.As(err, &inv):
		return http.StatusUnprocessableEntity, inv.Error()
	case errors.Is(err, mms.ErrNotFound):
		return http.StatusNotFound, "not found: " + r.URL.Path
	case errors.Is(err, mms.ErrConflict):
		return http.StatusConflict, err.Error()
	}
	a.log.Error("admin: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "internal error; see the server's log"
}

// badRequest is a request that cannot be read: 400 with the reason.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }
