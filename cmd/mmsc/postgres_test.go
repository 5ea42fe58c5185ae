package main

import (
	"testing"

	"github.com/mmsc-project/mmsc/internal/store/pgtest"
)

// postgresDSN returns a DSN for a schema of its own in the database the
// environment names, dropped when the test ends; it skips the test when
// none is named.
func postgresDSN(t testing.TB) string { return pgtest.Fresh(t) }

// postgresConfig is the [store] section for dsn.
func postgresConfig(dsn string) string {
	return "[store]\ndriver = \"postgres\"\ndsn = \"" + dsn + "\"\n"
}
