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

// fail answers err: the one place the API turns errors into statuses.
// Only the statuses that say what the client can fix show the error's
// text; trouble is logged and answered 500.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad badRequest
	var inv invalid
	switch {
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, bad.Error())
	case errors.As(err, &inv):
		writeError(w, http.StatusUnprocessableEntity, inv.Error())
	case errors.Is(err, mms.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found: "+r.URL.Path)
	case errors.Is(err, mms.ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	default:
		a.log.Error("admin: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error; see the server's log")
	}
}

// badRequest is a request that cannot be read: 400 with the reason.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }
