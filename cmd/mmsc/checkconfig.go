package main

import (
	"errors"
	"fmt"
)

// cmdCheckConfig prints every problem of a configuration file, one per line.
func cmdCheckConfig(e env, args []string) error {
	fs := newFlags(e, "check-config")
	path := fs.String("config", "", "configuration file (TOML)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	p := configPath(*path, e.getenv)
	if p == "" {
		return usageError{"check-config needs -config F (or MMSC_CONFIG)"}
	}
	_, err := loadConfig(p)
	if err == nil {
		fmt.Fprintf(e.stdout, "%s: ok\n", p)
		return nil
	}
	n := 1
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		n = len(joined.Unwrap())
	}
	fmt.Fprintln(e.stdout, err)
	return fmt.Errorf("%s: %d problem(s)", p, n)
}
