package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/vasp"
)

// A word one dialect does not spell would reach its database in braces,
// and a version for a dialect that does not exist would run nowhere.
func TestMigrationsSpelledOut(t *testing.T) {
	dialects := []dialect{sqliteDialect, postgresDialect}
	for i, m := range migrations {
		if m.only != "" && !slices.ContainsFunc(dialects, func(d dialect) bool { return d.name == m.only }) {
			t.Errorf("version %d is only for %q, which is no dialect", i+1, m.only)
		}
		for _, d := range dialects {
			if sql := d.ddl(m); strings.ContainsAny(sql, "{}") {
				t.Errorf("version %d on %s keeps a word in braces:\n%s", i+1, d.name, sql)
			}
		}
	}
}

func TestMigrateOnce(t *testing.T) {
	dir := t.TempDir()
	for range 3 {
		s := open(t, dir)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, max int
	if err := db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != len(migrations) || max != len(migrations) {
		t.Errorf("schema_version: %d rows, max %d; want %d", n, max, len(migrations))
	}

	// A database from a newer program is refused, not altered.
	if _, err := db.Exec(`INSERT INTO schema_version (version, applied) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSQLite(context.Background(), dir, nil); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("OpenSQLite on a newer schema: got %v", err)
	}
}

func TestPragmas(t *testing.T) {
	s := open(t, t.TempDir())
	for _, tt := range []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.writes[0], "journal_mode", "wal"},
		{s.writes[0], "synchronous", "2"},
		{s.writes[0], "foreign_keys", "1"},
		{s.writes[0], "busy_timeout", "10000"},
		{s.read, "foreign_keys", "1"},
		{s.read, "busy_timeout", "10000"},
		{s.read, "query_only", "1"},
	} {
		var got string
		if err := tt.db.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("%s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
}

func TestOpenOddDirectoryName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20 d")
	s := open(t, dir)
	if err := s.AddAccount(context.Background(), vasp.Account{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Account(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Errorf("database not where it belongs: %v", err)
	}
}

// Version 19 keeps the first read report of each recipient from a database
// that kept every one.
func TestMigrationKeepsOneReadReportPerRecipient(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	m := fullMessage(testID(), t0)
	if err := s.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	undoVersion20(t, db)
	for _, q := range []string{
		`DROP INDEX read_reports_recipient`,
		`CREATE INDEX read_reports_message ON read_reports (message_id)`,
		`DELETE FROM schema_version WHERE version >= 19`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, addr := range []string{"+447700900456", "+447700900456", "+447700900999", "+447700900456"} {
		if _, err := db.Exec(`INSERT INTO read_reports (message_id, address, status, at, received) VALUES ($1, $2, 'read', $3, 0)`,
			string(m.ID), addr, i); err != nil {
			t.Fatal(err)
		}
	}
	open(t, dir).Close()
	rows, err := db.Query(`SELECT address, at FROM read_reports ORDER BY address`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var addr string
		var at int
		rows.Scan(&addr, &at)
		got = append(got, fmt.Sprintf("%s@%d", addr, at))
	}
	if want := []string{"+447700900456@0", "+447700900999@2"}; !slices.Equal(got, want) {
		t.Errorf("read reports after the migration: %v, want %v", got, want)
	}
}
