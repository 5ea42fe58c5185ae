package web

import (
	"log/slog"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/httperr"
)

// reply is the one place where an error becomes an HTTP answer: a small
// page a phone can read, under the same headers as the message page.
func reply(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	he := httperr.Refused(r, err, log, "web", "Temporary failure, please try again later")
	writeHTML(w, r, he.Status, errorTemplate, he.Reason)
}
