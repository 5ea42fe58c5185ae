package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// dbFile is the database's name inside the data directory.
const dbFile = "mmsc.db"

// readConns bounds the read pool: enough for the admin UI and the delivery
// paths to read in parallel on a small machine, few enough to keep memory
// (each connection has its own page cache) small.
const readConns = 4

// SQLite is the embedded store: one database file in WAL mode.
type SQLite struct {
	log    *slog.Logger
	write  *sql.DB // one connection, owned by w
	read   *sql.DB // query-only connections
	w      *writer
	closed sync.Once
	err    error // from the first Close
}

// OpenSQLite opens (creating if needed) dir/mmsc.db, applies migrations
// (versioned, in a schema_version table, once), and starts the group-commit
// writer.
func OpenSQLite(ctx context.Context, dir string, log *slog.Logger) (*SQLite, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, dbFile))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	write, err := sql.Open("sqlite", writeDSN(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One connection: SQLite admits one writer at a time anyway, and a
	// second connection of ours would only wait on the first's lock.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, write, sqliteMigrations, log); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", readDSN(path))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w, err := newWriter(ctx, write, log,
		insertMessageSQL, insertPartSQL, insertDeliverySQL,
		leaseSQL, releaseSQL,
		insertAccountSQL, deleteAccountSQL, updatePasswordSQL)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	go w.run()
	return &SQLite{log: log, write: write, read: read, w: w}, nil
}

// Close stops the writer after it has committed what was handed to it, then
// closes the database. It is safe to call more than once.
func (s *SQLite) Close() error {
	s.closed.Do(func() {
		s.w.stop()
		s.err = errors.Join(s.read.Close(), s.write.Close())
		if s.err != nil {
			s.err = fmt.Errorf("store: close: %w", s.err)
		}
	})
	return s.err
}

// writeDSN configures the write connection. journal_mode and synchronous
// carry the durability promise: with WAL and FULL a commit returns after the
// WAL is synced. _txlock=immediate takes the write lock at BEGIN, so a
// second process waits there (busy_timeout) instead of failing at the first
// write of a transaction that has already read.
func writeDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return fileURI(path) + "?" + q.Encode()
}

// readDSN configures the read pool. query_only makes a stray write through
// it an error rather than a second, uncoordinated writer.
func readDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_query_only", "1")
	return fileURI(path) + "?" + q.Encode()
}

// fileURI escapes path so that "?", "#" or "%" in a directory name cannot be
// taken for URI syntax.
func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}
