//go:build !unix

package store

import "os"

// Without flock, one process per data directory appending content is the
// operator's promise.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
