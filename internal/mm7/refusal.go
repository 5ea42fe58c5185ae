package mm7

import (
	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// refusal names the refusal an answer's MM7 status says (TS 23.140
// §8.7.4), for the metrics; false for a success.
func refusal(code int) (mms.Refusal, bool) {
	switch {
	case code/1000 == 1:
		return "", false
	case mm7soap.Temporary(code):
		return mms.RefusedTemporary, true
	}
	switch code {
	case mm7soap.OperationRestricted:
		return mms.RefusedSender, true
	case mm7soap.AddressError, mm7soap.AddressNotFound:
		return mms.RefusedRecipient, true
	case mm7soap.ContentRefused:
		return mms.RefusedSize, true
	case mm7soap.ImproperIdentification:
		return mms.RefusedAuth, true
	case mm7soap.MessageIDNotFound, mm7soap.UnsupportedOperation, mm7soap.ServiceDenied:
		return mms.RefusedDenied, true
	}
	return mms.RefusedMalformed, true
}

// refused tells the observer, if any.
func (h *Handler) refused(why mms.Refusal) {
	if h.cfg.Observer != nil {
		h.cfg.Observer.Refused(why)
	}
}
