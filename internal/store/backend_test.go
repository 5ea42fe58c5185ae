package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, to make test schemas
)

// postgresDSNEnv names the PostgreSQL database the conformance tests also
// run against. .ci/run sets it; without it they run on SQLite alone.
const postgresDSNEnv = "MMSC_TEST_POSTGRES_DSN"

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
		name: "postgres",
		fresh: func(t testing.TB) string {
			t.Helper()
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var b [6]byte
			rand.Read(b[:])
			schema := "t_" + hex.EncodeToString(b[:])
			if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
				t.Fatalf("%s=%s: %v", postgresDSNEnv, dsn, err)
			}
			t.Cleanup(func() {
				db, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Error(err)
					return
				}
				defer db.Close()
				if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
					t.Errorf("drop test schema: %v", err)
				}
			})
			return withSearchPath(dsn, schema)
		},
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

// withSearchPath adds a search_path to dsn, in its form (URL or key=value).
func withSearchPath(dsn, schema string) string {
	switch {
	case !strings.Contains(dsn, "://"):
		return dsn + " search_path=" + schema
	case strings.Contains(dsn, "?"):
		return dsn + "&search_path=" + schema
	}
	return dsn + "?search_path=" + schema
}

// benchBackends are the backends a benchmark compares: SQLite, and
// PostgreSQL when the environment names a database.
func benchBackends() []backend {
	l := []backend{sqliteBackend}
	if dsn := os.Getenv(postgresDSNEnv); dsn != "" {
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
		dsn := os.Getenv(postgresDSNEnv)
		if dsn == "" {
			t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run this on PostgreSQL", postgresDSNEnv)
		}
		fn(t, postgresBackend(dsn))
	})
}
