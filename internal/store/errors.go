package store

import (
	"errors"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Sentinel errors; test with errors.Is, they are usually wrapped.
var (
	ErrExists = mms.Conflict("already exists")
	// ErrClosed is returned by writes after Close.
	ErrClosed = errors.New("store closed")
)

// isRefusal reports whether err is an expected answer (not there, already
// there, a clash, not a recipient) from a write that changed nothing, so
// the batch around it stays good. Every write that refuses so must refuse
// before it writes.
func isRefusal(err error) bool {
	return errors.Is(err, mms.ErrNotFound) || errors.Is(err, mms.ErrConflict) || errors.Is(err, mms.ErrNotRecipient)
}
