package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make test schemas
)

// postgresDSNEnv names the PostgreSQL database the cluster tests and
// benchmarks use; .ci/run sets it.
const postgresDSNEnv = "MMSC_TEST_POSTGRES_DSN"

// postgresDSN returns a DSN for a schema of its own in the database the
// environment names, dropped when the test ends; it skips the test when
// none is named.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresDSNEnv)
	if dsn == "" {
		t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run this against PostgreSQL", postgresDSNEnv)
	}
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
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// postgresConfig is the [store] section for dsn.
func postgresConfig(dsn string) string {
	return "[store]\ndriver = \"postgres\"\ndsn = \"" + dsn + "\"\n"
}
