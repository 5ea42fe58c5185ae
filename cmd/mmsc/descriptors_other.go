//go:build !unix

package main

// descriptorLimit is unknown here: no listener cap is lowered to fit.
func descriptorLimit() uint64 { return 0 }
