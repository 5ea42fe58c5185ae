//go:build unix

package main

import "syscall"

// descriptorLimit is the process's open-file limit, 0 if unknown. Go has
// raised the soft limit to the hard one at start.
func descriptorLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	return r.Cur
}
