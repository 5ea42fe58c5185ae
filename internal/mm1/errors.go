package mm1

import (
	"log/slog"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// reply is the one place where an error becomes an HTTP answer to a
// handset: plain text, 500 for a request the handset may repeat.
func reply(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	he := httperr.Refused(r, err, log, "mm1", "temporary failure, try again later")
	http.Error(w, he.Reason, he.Status)
}

// refusal names the refusal an m-send-conf or m-forward-conf status
// (OMA-MMS-ENC §7.3.48) says, for the metrics. Address-unresolved stands
// for the sender not known from the gateway as well as for recipients: the
// handset is told one status for both.
func refusal(status byte) mms.Refusal {
	switch status {
	case mmsenc.ResponseErrorTransientFailure:
		return mms.RefusedTemporary
	case mmsenc.ResponseErrorPermanentServiceDenied, mmsenc.ResponseErrorPermanentNotFound:
		return mms.RefusedDenied
	case mmsenc.ResponseErrorPermanentAddressUnresolved:
		return mms.RefusedRecipient
	case mmsenc.ResponseErrorPermanentContentNotAccepted:
		return mms.RefusedSize
	}
	return mms.RefusedMalformed
}
