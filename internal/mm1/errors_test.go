package mm1

import (
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// The refusal each m-send-conf status counts as.
func TestRefusal(t *testing.T) {
	for status, want := range map[byte]mms.Refusal{
		mmsenc.ResponseErrorTransientFailure:            mms.RefusedTemporary,
		mmsenc.ResponseErrorPermanentFailure:            mms.RefusedMalformed,
		mmsenc.ResponseErrorPermanentServiceDenied:      mms.RefusedDenied,
		mmsenc.ResponseErrorPermanentFormatCorrupt:      mms.RefusedMalformed,
		mmsenc.ResponseErrorPermanentAddressUnresolved:  mms.RefusedRecipient,
		mmsenc.ResponseErrorPermanentNotFound:           mms.RefusedDenied,
		mmsenc.ResponseErrorPermanentContentNotAccepted: mms.RefusedSize,
	} {
		if got := refusal(status); got != want {
			t.Errorf("refusal(%#x) = %q, want %q", status, got, want)
		}
	}
}
