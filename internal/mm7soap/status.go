package mm7soap

import (
	"errors"
	"fmt"
)

// MM7 status codes (TS 23.140 §8.7.4, mm7.md §4) that mmsc gives or reads.
const (
	Success                = 1000
	PartialSuccess         = 1100
	ClientError            = 2000
	OperationRestricted    = 2001
	AddressError           = 2002
	AddressNotFound        = 2003
	ContentRefused         = 2004
	MessageIDNotFound      = 2005
	LinkedIDNotFound       = 2006
	MessageFormatCorrupt   = 2007
	ServerError            = 3000
	NotPossible            = 3001
	MessageRejected        = 3002
	GeneralServiceError    = 4000
	ImproperIdentification = 4001
	UnsupportedVersion     = 4002
	UnsupportedOperation   = 4003
	ValidationError        = 4004
	ServiceError           = 4005
	ServiceUnavailable     = 4006
	ServiceDenied          = 4007
)

var statusTexts = map[int]string{
	1000: "Success", 1100: "Partial success", 2000: "Client error", 2001: "Operation restricted",
	2002: "Address error", 2003: "Address not found", 2004: "Multimedia content refused",
	2005: "Message ID not found", 2006: "LinkedID not found", 2007: "Message format corrupt",
	2008: "Application ID not found", 3000: "Server error", 3001: "Not possible", 3002: "Message rejected",
	3003: "Multiple addresses not supported", 3004: "Application addressing not supported",
	4000: "General service error", 4001: "Improper identification", 4002: "Unsupported version",
	4003: "Unsupported operation", 4004: "Validation error", 4005: "Service error", 4006: "Service unavailable",
	4007: "Service denied", 4008: "Application denied",
}

// StatusText is the spec's name of code ("Success", "Address error").
func StatusText(code int) string {
	if s, ok := statusTexts[code]; ok {
		return s
	}
	return fmt.Sprintf("Status %d", code)
}

// Temporary reports whether code invites the sender to try again: server
// errors and an unavailable service (mm7.md §4).
func Temporary(code int) bool { return code/1000 == 3 || code == ServiceUnavailable }

// Status is an MM7 Status: the code, its text, and Details a person can act on.
type Status struct {
	Code    int
	Text    string // "" = StatusText(Code)
	Details string
}

// Error is a refusal with its MM7 status: what an MM7 edge answers with.
type Error struct {
	Status
}

func (e *Error) Error() string {
	if e.Details == "" {
		return fmt.Sprintf("mm7 %d %s", e.Code, StatusText(e.Code))
	}
	return fmt.Sprintf("mm7 %d %s: %s", e.Code, StatusText(e.Code), e.Details)
}

// Errorf is an Error with code and the details formatted.
func Errorf(code int, format string, a ...any) *Error {
	return &Error{Status{Code: code, Details: fmt.Sprintf(format, a...)}}
}

// StatusOf is err's MM7 status, or ServerError for an error that has none.
func StatusOf(err error) Status {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return Status{Code: ServerError, Details: "temporary trouble; try again"}
}
