package mm7

import (
	"testing"

	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// The refusal each MM7 status counts as; successes count as none.
func TestRefusal(t *testing.T) {
	for code, want := range map[int]mms.Refusal{
		mm7soap.Success: "", mm7soap.PartialSuccess: "",
		mm7soap.ClientError: mms.RefusedMalformed, mm7soap.OperationRestricted: mms.RefusedSender,
		mm7soap.AddressError: mms.RefusedRecipient, mm7soap.AddressNotFound: mms.RefusedRecipient,
		mm7soap.ContentRefused: mms.RefusedSize, mm7soap.MessageIDNotFound: mms.RefusedDenied,
		mm7soap.LinkedIDNotFound: mms.RefusedMalformed, mm7soap.MessageFormatCorrupt: mms.RefusedMalformed,
		mm7soap.ServerError: mms.RefusedTemporary, mm7soap.NotPossible: mms.RefusedTemporary,
		mm7soap.ImproperIdentification: mms.RefusedAuth, mm7soap.UnsupportedVersion: mms.RefusedMalformed,
		mm7soap.UnsupportedOperation: mms.RefusedDenied, mm7soap.ValidationError: mms.RefusedMalformed,
		mm7soap.ServiceUnavailable: mms.RefusedTemporary, mm7soap.ServiceDenied: mms.RefusedDenied,
	} {
		got, refused := refusal(code)
		if got != want || refused != (want != "") {
			t.Errorf("refusal(%d) = %q, %v; want %q", code, got, refused, want)
		}
	}
}
