package mmsenc

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every error of Decode, ParsePush and
// ReassembleSMS: the input is not what the encoding allows.
var ErrMalformed = errors.New("mmsenc: malformed input")

// ErrInvalid is wrapped by every error of Encode and Push: the caller asked
// for something the encoding (or Android) cannot carry, so nothing was
// produced.
var ErrInvalid = errors.New("mmsenc: invalid value")

// DecodeError says where decoding stopped. Offset counts from the first
// octet of the buffer the caller passed, also inside multipart bodies, so
// that it can be found with a hex dump of the original input.
type DecodeError struct {
	Offset int
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("mmsenc: offset %d: %s", e.Offset, e.Reason)
}

func (e *DecodeError) Unwrap() error { return ErrMalformed }

// within prefixes the reason with the field being read, so that a bad length
// deep inside a header still says which header it was.
func within(err error, what string) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &DecodeError{Offset: de.Offset, Reason: what + ": " + de.Reason}
	}
	return err
}

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return "mmsenc: " + e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}
