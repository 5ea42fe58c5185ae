package store

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mmsc-project/mmsc/internal/store/pgtest"
)

// backend is one of the store's backends, as the conformance tests see it:
// fresh makes an empty database and returns where it is, open opens a
// store on it (any number of times: two opens are two nodes, or a server
// and the CLI) that is closed when the test ends.
type backend struct {
	name  string
	fresh func(t testing.TB) string
	open  func(t testing.TB, where string) *Store
}

var sqliteBackend = backend{
	name:  "sqlite",
	fresh: func(t testing.TB) string { return t.TempDir() },
	open:  open,
}

// postgresBackend gives each test a schema of its own in the database the
// environment names, dropped when the test ends, so tests run in parallel
// and leave nothing behind.
func postgresBackend(dsn string) backend {
	return backend{
		name:  "postgres",
		fresh: func(t testing.TB) string { return pgtest.Schema(t, dsn) },
		open: func(t testing.TB, where string) *Store {
			t.Helper()
			s, err := OpenPostgres(context.Background(), where, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("OpenPostgres: %v", err)
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			return s
		},
	}
}

// benchBackends are the backends a benchmark compares: SQLite, and
// PostgreSQL when the environment names a database.
func benchBackends() []backend {
	l := []backend{sqliteBackend}
	if dsn := pgtest.DSN(); dsn != "" {
		l = append(l, postgresBackend(dsn))
	}
	return l
}

// eachBackend runs fn on SQLite and, when the environment names a
// database, on PostgreSQL: the conformance suite that keeps the backends
// alike.
func eachBackend(t *testing.T, fn func(t *testing.T, bk backend)) {
	t.Run(sqliteBackend.name, func(t *testing.T) { fn(t, sqliteBackend) })
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN()
		if dsn == "" {
			t.Skip(pgtest.SkipMessage)
		}
		fn(t, postgresBackend(dsn))
	})
}
