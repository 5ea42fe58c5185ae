package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/mmsc-project/mmsc/internal/cdr"
	"github.com/mmsc-project/mmsc/internal/store"
)

// problem says what is wrong with cdr.path, if anything. A directory that
// does not exist yet is fine: serve creates it.
func (c CDRConfig) problem() error {
	if c.Path == "" {
		return nil
	}
	if strings.TrimSpace(c.Path) == "" {
		return fmt.Errorf("cdr.path %q is blank: give a directory, or \"\" for no CDRs", c.Path)
	}
	fi, err := os.Stat(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("cdr.path: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("cdr.path %q is not a directory: CDRs go to files in it, one a day", c.Path)
	}
	return nil
}

// startCDRs starts writing CDRs into cfg.Path, when it is set, and
// returns what stops the writer after a last flush. Call stop once the
// engine and the listeners have stopped, while st is open: the states
// they wrote last owe CDRs too.
func startCDRs(cfg CDRConfig, st *store.Store, log *slog.Logger) (stop func(), err error) {
	if cfg.Path == "" {
		return func() {}, nil
	}
	w, err := cdr.New(st, cdr.Config{Dir: cfg.Path}, log)
	if err != nil {
		return nil, fmt.Errorf("cdr.path: %w", err)
	}
	st.KeepOwedCDRs(true)
	st.OnFinal(w.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	return func() { cancel(); <-done }, nil
}
