package mm1

import (
	"log/slog"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/httperr"
)

// reply is the one place where an error becomes an HTTP answer to a
// handset: plain text, 500 for a request the handset may repeat.
func reply(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	he := httperr.Refused(r, err, log, "mm1", "temporary failure, try again later")
	http.Error(w, he.Reason, he.Status)
}
