// Package pgtest gives a test a PostgreSQL schema of its own in the
// database that the environment names (MMSC_TEST_POSTGRES_DSN), so that
// tests against PostgreSQL run in parallel and leave nothing behind, the
// way t.TempDir does for SQLite. Without the variable, PostgreSQL tests
// skip with a message saying how to enable them.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Env names the database; .ci/run sets it to a throwaway one.
const Env = "MMSC_TEST_POSTGRES_DSN"

// DSN is the database the environment names, "" for none.
func DSN() string { return os.Getenv(Env) }

// SkipMessage says how to run a PostgreSQL test that skipped.
const SkipMessage = "set " + Env + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run this against PostgreSQL"

// Fresh skips t when the environment names no database; otherwise it is
// Schema on that database.
func Fresh(t testing.TB) string {
	t.Helper()
	dsn := DSN()
	if dsn == "" {
		t.Skip(SkipMessage)
	}
	return Schema(t, dsn)
}

// Schema creates an empty schema in dsn's database, drops it with all it
// holds when t ends, and returns dsn with its search_path set to it.
func Schema(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if err := exec(dsn, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("%s=%s: %v", Env, dsn, err)
	}
	t.Cleanup(func() {
		if err := exec(dsn, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return Param(dsn, "search_path", schema)
}

func exec(dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

// Param adds a connection parameter to dsn, in its form (URL or
// key=value); value must need no quoting or escaping.
func Param(dsn, key, value string) string {
	switch {
	case !strings.Contains(dsn, "://"):
		return dsn + " " + key + "=" + value
	case strings.Contains(dsn, "?"):
		return dsn + "&" + key + "=" + value
	}
	return dsn + "?" + key + "=" + value
}
