package main

import (
	"context"
	"errors"
	"fmt"
)

// cmdCheckConfig prints every problem of a configuration file, one per
// line, and, when there is none, whether the store can be reached and at
// which schema version it is.
func cmdCheckConfig(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "check-config")
	path := fs.String("config", "", "configuration file (TOML)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	p := configPath(*path, e.getenv)
	if p == "" {
		return usageError{"check-config needs -config F (or MMSC_CONFIG)"}
	}
	cfg, err := loadConfig(p)
	if err == nil {
		have, want, err := schemaVersion(ctx, cfg)
		if err != nil {
			fmt.Fprintln(e.stdout, err)
			return fmt.Errorf("%s: the store cannot be reached", p)
		}
		fmt.Fprintf(e.stdout, "%s: ok; %s store at schema version %d", p, cfg.Store.Driver, have)
		switch {
		case have < want:
			fmt.Fprintf(e.stdout, " (this program migrates it to %d on start, or with \"mmsc migrate\")", want)
		case have > want:
			fmt.Fprintf(e.stdout, " — newer than this program's %d: upgrade mmsc", want)
		}
		fmt.Fprintln(e.stdout)
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
