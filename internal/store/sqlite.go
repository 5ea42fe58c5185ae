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
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
)

// dbFile is the database's name inside the data directory.
const dbFile = "mmsc.db"

// readConns bounds the read pool: enough for the admin UI and the delivery
// paths to read in parallel on a small machine, few enough to keep memory
// (each connection has its own page cache) small.
const readConns = 4

// OpenSQLite opens (creating if needed) dir/mmsc.db, applies migrations
// (versioned, in a schema_version table, once), and starts the group-commit
// writer.
func OpenSQLite(ctx context.Context, dir string, log *slog.Logger) (*Store, error) {
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
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	warnIfShared(log, dir, path, path+"-wal", path+"-shm")
	s, err := openSQLite(ctx, path, log)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

func openSQLite(ctx context.Context, path string, log *slog.Logger) (_ *Store, err error) {
	s := &Store{dialect: sqliteDialect}
	defer func() {
		if err != nil {
			s.closeDBs()
			if s.content != nil {
				s.content.close()
			}
		}
	}()
	write, err := openDB(writeDSN(path), 1)
	if err != nil {
		return nil, err
	}
	s.writes = []*sql.DB{write}
	if err := migrateSQLite(ctx, write, log); err != nil {
		return nil, err
	}
	if s.read, err = openDB(readDSN(path), readConns); err != nil {
		return nil, err
	}
	if s.ckptDB, err = openDB(writeDSN(path), 1); err != nil {
		return nil, err
	}
	for _, db := range []*sql.DB{s.read, s.ckptDB} {
		if err := db.PingContext(ctx); err != nil {
			return nil, err
		}
	}
	content, err := openContentLog(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	s.content = content
	s.ckpt = newCheckpointer(s.ckptDB, log)
	s.w, err = newWriter(ctx, s.writes, s.ckpt, s.content, log,
		insertMessageSQL, insertPartSQL, insertDeliverySQL, insertAcceptEventsSQL,
		s.dialect.lease(0), s.dialect.lease(1), releaseSQL, answerSQL, insertReadReportSQL,
		s.dialect.locked(releaseEventSQL), s.dialect.locked(answerEventSQL),
		insertAccountSQL, deleteAccountSQL, updatePasswordSQL, s.dialect.claimCDRs(), s.dialect.cdrsWritten(),
		s.dialect.renewDeliveries(), s.dialect.renewOutbox())
	if err != nil {
		return nil, err
	}
	go s.ckpt.run()
	go s.w.run()
	return s, nil
}

// openDB opens a pool of at most conns connections that are never recycled:
// each new connection would pay for the DSN's PRAGMAs and a cold page cache.
func openDB(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// migrateSQLite is migrate, tried again while the database is busy. The
// busy timeout covers waiting for another writer, but not every lock a new
// database goes through: while one process turns a brand-new file to WAL,
// another opening it at the same moment can get SQLITE_BUSY at once (seen
// in about 7 % of TestMigrateTogether runs). Its transaction was rolled
// back, so trying again is safe.
func migrateSQLite(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	deadline := time.Now().Add(busyRetryFor)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := migrate(ctx, db, sqliteDialect, log)
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
	}
}

// busyRetryFor matches the busy timeout of the connections (10 s).
const busyRetryFor = 10 * time.Second

// isBusy reports an SQLITE_BUSY, whatever its extended code.
func isBusy(err error) bool {
	const sqliteBusy = 5
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqliteBusy
}

// writeDSN configures the write connection (and the checkpointer's).
// journal_mode and synchronous carry the durability promise: with WAL and
// FULL a commit returns after the WAL is synced. _txlock=immediate takes the
// write lock at BEGIN, so a second process waits there (busy_timeout)
// instead of failing at the first write of a transaction that has already
// read. The driver's shorthand keys are used where they exist because it
// rejects a misspelt value instead of ignoring it.
func writeDSN(path string) string {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstop))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	return fileURI(path) + "?" + q.Encode()
}

// readDSN configures the read pool. query_only makes a stray write through
// it an error rather than a second, uncoordinated writer.
func readDSN(path string) string {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "1")
	q.Set("_query_only", "1")
	return fileURI(path) + "?" + q.Encode()
}

// fileURI escapes path so that "?", "#" or "%" in a directory name cannot be
// taken for URI syntax.
func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// CheckSQLite reports the schema version of the database under dir (0 when
// there is none yet) and the one this program migrates to, changing
// nothing.
func CheckSQLite(ctx context.Context, dir string) (have, want int, err error) {
	path, err := filepath.Abs(filepath.Join(dir, dbFile))
	if err != nil {
		return 0, 0, fmt.Errorf("store: %w", err)
	}
	want = len(migrations)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0, want, nil
	}
	db, err := openDB(readDSN(path), 1)
	if err != nil {
		return 0, 0, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer db.Close()
	var exists int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'`).Scan(&exists); err != nil {
		return 0, 0, fmt.Errorf("store: %s: %w", path, err)
	}
	if exists > 0 {
		if err := db.QueryRowContext(ctx, currentVersionSQL).Scan(&have); err != nil {
			return 0, 0, fmt.Errorf("store: %s: schema version: %w", path, err)
		}
	}
	return have, want, nil
}
