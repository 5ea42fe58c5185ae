package mms

import "errors"

// permanentError marks an error that retrying cannot fix: bad input, policy.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as final. Errors not marked are temporary: the safe
// default for anything unexpected is to let the sender try again.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or any error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// ErrNotFound: what was asked for (a message, a recipient, an account, a
// route) is not there. Stores wrap it; callers test with errors.Is and turn
// it into their edge's "unknown" answer.
var ErrNotFound = errors.New("not found")

// ErrNoEndpoint: the originator of a message gave nowhere to send what it
// is owed (an account without a report endpoint). What is owed is recorded
// and held, not sent.
var ErrNoEndpoint = errors.New("no endpoint for the originator")

// ErrNotRecipient: a report names as its sender someone the message was
// not sent to (on the routes that sender could have received it by).
var ErrNotRecipient = errors.New("not a recipient of the message")

// ErrUnroutable: no recipient of a message can be reached, and the
// interface it came by refuses such a message rather than store it.
var ErrUnroutable = errors.New("no recipient can be reached")

// ErrConflict: what was asked clashes with what is there (a name taken, a
// second default route, a recipient whose outcome is final). Errors made
// by Conflict match it.
var ErrConflict = errors.New("conflict")

type conflictError struct{ msg string }

func (e *conflictError) Error() string        { return e.msg }
func (e *conflictError) Is(target error) bool { return target == ErrConflict }

// Conflict is an error that says msg and matches ErrConflict, so that an
// edge can answer every kind of clash alike (HTTP 409) without knowing
// each.
func Conflict(msg string) error { return &conflictError{msg} }

// Reachable turns the lookup of an originator's endpoint into whether it
// has one: ErrNoEndpoint is no, no error is yes, and any other error
// leaves it unknown.
func Reachable(lookup error) (bool, error) {
	if errors.Is(lookup, ErrNoEndpoint) {
		return false, nil
	}
	return lookup == nil, lookup
}
