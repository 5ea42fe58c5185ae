// Package storetest opens real stores for the tests of the packages that
// use one: a SQLite store in the test's temporary directory, closed when
// the test ends. Tests use the real store, never a fake of it.
package storetest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store"
)

// SQLite opens a SQLite store in a temporary directory, closed when the
// test ends, holding routes.
func SQLite(t testing.TB, routes ...route.Route) *store.Store {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, rt := range routes {
		if err := st.AddRoute(context.Background(), rt); err != nil {
			t.Fatal(err)
		}
	}
	return st
}
