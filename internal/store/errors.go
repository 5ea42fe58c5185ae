package store

import (
	"errors"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Sentinel errors; test with errors.Is, they are usually wrapped.
var (
	ErrExists = errors.New("already exists")
	// ErrClosed is returned by writes after Close.
	ErrClosed = errors.New("store closed")
)

// isRefusal reports whether err is an expected answer (not there, already
// there) from a write that changed nothing, so the batch around it stays good.
func isRefusal(err error) bool {
	return errors.Is(err, mms.ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrSecondDefault)
}
