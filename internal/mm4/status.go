package mm4

import (
	"strings"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// X-Mms-Request-Status-Code values, the answer in every .RES (mm4.md §6.1),
// spelled as they are sent.
const (
	StatusOk                            = "Ok"
	StatusErrorUnspecified              = "Error-unspecified"
	StatusErrorServiceDenied            = "Error-service-denied"
	StatusErrorMessageFormatCorrupt     = "Error-message-format-corrupt"
	StatusErrorSendingAddressUnresolved = "Error-sending-address-unresolved"
	StatusErrorMessageNotFound          = "Error-message-not-found"
	StatusErrorNetworkProblem           = "Error-network-problem"
	StatusErrorContentNotAccepted       = "Error-content-not-accepted"
	StatusErrorUnsupportedMessage       = "Error-unsupported-message"
)

// X-Mms-MM-Status-Code values, what happened to the MM at one recipient
// (mm4.md §6.2).
const (
	MMStatusExpired       = "Expired"
	MMStatusRetrieved     = "Retrieved"
	MMStatusRejected      = "Rejected"
	MMStatusDeferred      = "Deferred"
	MMStatusUnrecognised  = "Unrecognised"
	MMStatusIndeterminate = "Indeterminate"
	MMStatusForwarded     = "Forwarded"
)

// X-Mms-MM-Status-Extension values, the detail of Rejected (mm4.md §6.3),
// capitalised as implementations send them.
const (
	StatusExtensionByRecipient = "Rejection-By-MMS-Recipient"
	StatusExtensionByOtherRS   = "Rejection-by-Other-RS"
)

// X-Mms-Read-Status values (mm4.md §6.4).
const (
	ReadStatusRead    = "Read"
	ReadStatusDeleted = "Deleted without being read"
)

// The values of each set as ParseAny reads them and the builders accept
// them, with the variant spellings of §6.2 and §6.4.
var (
	requestStatuses = newTokens(StatusOk, StatusErrorUnspecified, StatusErrorServiceDenied,
		StatusErrorMessageFormatCorrupt, StatusErrorSendingAddressUnresolved, StatusErrorMessageNotFound,
		StatusErrorNetworkProblem, StatusErrorContentNotAccepted, StatusErrorUnsupportedMessage)

	mmStatuses = newTokens(MMStatusExpired, MMStatusRetrieved, MMStatusRejected, MMStatusDeferred,
		MMStatusUnrecognised, MMStatusIndeterminate, MMStatusForwarded).
		alias("Unrecognized", MMStatusUnrecognised) // US spelling

	statusExtensions = newTokens(StatusExtensionByRecipient, StatusExtensionByOtherRS)

	readStatuses = newTokens(ReadStatusRead, ReadStatusDeleted).alias("Deleted", ReadStatusDeleted) // "Deleted" for short
)

// finalMMStatus lists the MM statuses after which no other report follows
// (mm4.md §6.2, "Final?").
var finalMMStatus = map[string]bool{
	MMStatusExpired: true, MMStatusRetrieved: true, MMStatusRejected: true, MMStatusUnrecognised: true,
}

// MMStatusFinal reports whether an X-Mms-MM-Status-Code ends the story of
// the MM at that recipient (Expired, Retrieved, Rejected, Unrecognised), so
// that no later report is to be awaited. Deferred, Indeterminate and
// Forwarded are not final, and neither is a value outside §6.2.
func MMStatusFinal(status string) bool {
	c, _ := mmStatuses.canonical(status)
	return finalMMStatus[c]
}

// StatusClass is what an originator does after an X-Mms-Request-Status-Code.
type StatusClass int

const (
	// PermanentFailure: the request failed and sending it again will fail
	// too. Every code not known to be something else is permanent (mm4.md
	// §6.1: "Treat everything else as final").
	PermanentFailure StatusClass = iota
	// Success: the peer accepted the request (Ok).
	Success
	// TransientFailure: the peer may accept the same request later.
	TransientFailure
)

func (c StatusClass) String() string {
	switch c {
	case Success:
		return "success"
	case TransientFailure:
		return "transient failure"
	}
	return "permanent failure"
}

// ClassifyStatus says what an X-Mms-Request-Status-Code means for the
// originator, comparing without case, hyphens or spaces. Ok is success.
// Error-network-problem is the one transient code of MM4; the
// Error-transient-* codes of MM1 and MM7, which peers that mix the
// interfaces send, are transient too. Everything else is permanent.
func ClassifyStatus(status string) StatusClass {
	switch f := foldToken(status); {
	case f == foldToken(StatusOk):
		return Success
	case f == foldToken(StatusErrorNetworkProblem), strings.HasPrefix(f, "errortransient"):
		return TransientFailure
	}
	return PermanentFailure
}

// tokens maps the folded form of every accepted spelling of a set of
// values to the canonical one, so that input is read in any case and with
// hyphens, underscores or spaces as the peer wrote them (mm4.md §11 rule 4),
// and output is always the canonical spelling (§11 "send strictly").
type tokens map[string]string

func newTokens(canonical ...string) tokens {
	t := make(tokens, len(canonical))
	for _, c := range canonical {
		t[foldToken(c)] = c
	}
	return t
}

func (t tokens) alias(spelling, canonical string) tokens {
	t[foldToken(spelling)] = canonical
	return t
}

// canonical returns the canonical spelling of s and whether s is one of the
// set at all.
func (t tokens) canonical(s string) (string, bool) {
	c, ok := t[foldToken(s)]
	return c, ok
}

// orRaw returns the canonical spelling of s, or s itself (cleaned) when it
// is not in the set: an unknown status still tells the caller something,
// and refusing the whole report over it would lose what it does say.
func (t tokens) orRaw(s string) string {
	if c, ok := t.canonical(s); ok {
		return c
	}
	return mimebody.Clean(mimebody.UTF8(s))
}

// foldToken lowers s and drops hyphens, underscores and white space:
// "Deleted-without-being-read", "deleted without being read" and the MM7
// form "RejectionByMMSRecipient" all fold alike.
func foldToken(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ', '\t':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
