//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile waits for an exclusive advisory lock on f; appends from several
// processes take turns through it.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
