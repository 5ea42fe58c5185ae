package mm4

import "testing"

// TestStatusSpellings: the constants are the values of mm4.md §6, letter
// for letter, since §11 wants exactly these on the wire.
func TestStatusSpellings(t *testing.T) {
	for got, want := range map[string]string{
		// §6.1
		StatusOk:                            "Ok",
		StatusErrorUnspecified:              "Error-unspecified",
		StatusErrorServiceDenied:            "Error-service-denied",
		StatusErrorMessageFormatCorrupt:     "Error-message-format-corrupt",
		StatusErrorSendingAddressUnresolved: "Error-sending-address-unresolved",
		StatusErrorMessageNotFound:          "Error-message-not-found",
		StatusErrorNetworkProblem:           "Error-network-problem",
		StatusErrorContentNotAccepted:       "Error-content-not-accepted",
		StatusErrorUnsupportedMessage:       "Error-unsupported-message",
		// §6.2
		MMStatusExpired:       "Expired",
		MMStatusRetrieved:     "Retrieved",
		MMStatusRejected:      "Rejected",
		MMStatusDeferred:      "Deferred",
		MMStatusUnrecognised:  "Unrecognised",
		MMStatusIndeterminate: "Indeterminate",
		MMStatusForwarded:     "Forwarded",
		// §6.3
		StatusExtensionByRecipient: "Rejection-By-MMS-Recipient",
		StatusExtensionByOtherRS:   "Rejection-by-Other-RS",
		// §6.4
		ReadStatusRead:    "Read",
		ReadStatusDeleted: "Deleted without being read",
		// §2
		TypeForwardReq:         "MM4_forward.REQ",
		TypeForwardRes:         "MM4_forward.RES",
		TypeDeliveryReportReq:  "MM4_delivery_report.REQ",
		TypeDeliveryReportRes:  "MM4_delivery_report.RES",
		TypeReadReplyReportReq: "MM4_read_reply_report.REQ",
		TypeReadReplyReportRes: "MM4_read_reply_report.RES",
	} {
		if got != want {
			t.Errorf("constant %q, want %q", got, want)
		}
	}
	if len(requestStatuses) != 9 || len(statusExtensions) != 2 {
		t.Errorf("%d request statuses, %d extensions: a value of §6.1 or §6.3 is missing", len(requestStatuses), len(statusExtensions))
	}
}

// TestClassifyStatus: §6.1, "Only Error-network-problem is clearly
// temporary ... Treat everything else as final"; the Error-transient-*
// codes of MM1 and MM7 are temporary by name.
func TestClassifyStatus(t *testing.T) {
	for status, want := range map[string]StatusClass{
		"Ok":                               Success,
		"OK":                               Success,
		"ok":                               Success,
		"Error-network-problem":            TransientFailure,
		"error network problem":            TransientFailure,
		"Error-transient-failure":          TransientFailure,
		"Error-transient-network-problem":  TransientFailure,
		"Error-unspecified":                PermanentFailure,
		"Error-service-denied":             PermanentFailure,
		"Error-message-format-corrupt":     PermanentFailure,
		"Error-sending-address-unresolved": PermanentFailure,
		"Error-message-not-found":          PermanentFailure,
		"Error-content-not-accepted":       PermanentFailure,
		"Error-unsupported-message":        PermanentFailure,
		"Error-permanent-service-denied":   PermanentFailure,
		"":                                 PermanentFailure,
		"Accepted, probably":               PermanentFailure,
	} {
		if got := ClassifyStatus(status); got != want {
			t.Errorf("ClassifyStatus(%q) = %v, want %v", status, got, want)
		}
	}
}

// TestMMStatusFinal: §6.2's "Final?" column.
func TestMMStatusFinal(t *testing.T) {
	for status, want := range map[string]bool{
		"Expired":       true,
		"Retrieved":     true,
		"Rejected":      true,
		"Deferred":      false,
		"Unrecognised":  true,
		"Unrecognized":  true,
		"Indeterminate": false,
		"Forwarded":     false,
		"retrieved":     true,
		"Unreachable":   false,
		"":              false,
	} {
		if got := MMStatusFinal(status); got != want {
			t.Errorf("MMStatusFinal(%q) = %v, want %v", status, got, want)
		}
	}
}
