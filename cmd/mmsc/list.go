package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mmsc-project/mmsc/internal/store"
)

// listFlags are the flags every list verb takes: the configuration that
// names the store, and -json. A verb adds its own before parsing.
type listFlags struct {
	*flag.FlagSet
	config *string
	json   *bool
}

// newListFlags returns the flags of verb, which lists items called each.
func newListFlags(e env, verb, each string) listFlags {
	fs := newFlags(e, verb)
	return listFlags{
		FlagSet: fs,
		config:  fs.String("config", "", "configuration file"),
		json:    fs.Bool("json", false, "JSON Lines, one "+each+" per line"),
	}
}

// parse reads the flags of a list verb, which takes no arguments: flag
// stops at the first one, so "list foo -config x" would otherwise ignore
// -config and quietly open the default store.
func (lf listFlags) parse(args []string) error {
	if err := lf.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if rest := lf.Args(); len(rest) > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", rest)}
	}
	return nil
}

// listing is what a list verb shows: a table for the operator, or with
// -json one JSON object a line for scripts, whose field names are
// interface and so never follow the table's columns.
type listing[T any] struct {
	find   func(context.Context, *store.Store) ([]T, error)
	header []string
	row    func(T) []string
	// json may read more of the store than find did, when only scripts
	// want it.
	json func(context.Context, *store.Store, T) (any, error)
}

// list opens the store lf names and prints what l finds there.
func list[T any](ctx context.Context, e env, lf listFlags, l listing[T]) error {
	st, err := openStore(ctx, e, *lf.config)
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := l.find(ctx, st)
	if err != nil {
		return err
	}
	if *lf.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, it := range items {
			v, err := l.json(ctx, st, it)
			if err != nil {
				return err
			}
			if err := enc.Encode(v); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(l.header, "\t"))
	for _, it := range items {
		fmt.Fprintln(tw, strings.Join(l.row(it), "\t"))
	}
	return tw.Flush()
}

// dash stands in a table for an empty cell, which would shift the columns
// for a reader (or awk) that splits on blanks.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
