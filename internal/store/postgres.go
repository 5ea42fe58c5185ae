package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgReadConns bounds the read pool on PostgreSQL. Reads there cost the
// server a backend each, not this process a page cache, and several nodes
// share the server's connection limit (100 by default).
const pgReadConns = 8

// pgCommitters is how many connections a node commits batches on at once.
// One would leave the server's other CPUs idle while it waits for the
// node; a few let batches overlap, each still one commit for its writes.
const pgCommitters = 4

// OpenPostgres opens the store in the PostgreSQL database dsn names
// ("postgres://user@host:5432/db?sslmode=disable", or key=value form),
// applies migrations under an advisory lock, and starts the group-commit
// writer and the listener that wakes this node when another one writes work.
//
// Content is stored inline (bytea), so that every node serves every
// message. The writer's session runs with synchronous_commit=on whatever
// the server's default, because a 250 promises a durable commit.
//
// pgx is used through database/sql (pgx/v5/stdlib) because every statement
// is shared with the SQLite backend; the listener uses a native connection,
// which database/sql cannot wait on.
func OpenPostgres(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres dsn: %w", err)
	}
	s, err := openPostgres(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s@%s:%d/%s: %w", cfg.User, cfg.Host, cfg.Port, cfg.Database, err)
	}
	return s, nil
}

func openPostgres(ctx context.Context, cfg *pgx.ConnConfig, log *slog.Logger) (_ *Store, err error) {
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "mmsc"
	}
	writeCfg := cfg.Copy()
	writeCfg.RuntimeParams["synchronous_commit"] = "on"
	s := &Store{dialect: postgresDialect}
	defer func() {
		if err != nil {
			s.closeDBs()
		}
	}()
	for range pgCommitters {
		s.writes = append(s.writes, pgDB(writeCfg, 1))
	}
	if err := migrate(ctx, s.writes[0], postgresDialect, log); err != nil {
		return nil, err
	}
	s.read = pgDB(cfg, pgReadConns)
	if err := s.read.PingContext(ctx); err != nil {
		return nil, err
	}
	s.w, err = newWriter(ctx, s.writes, nil, nil, log,
		acceptOneSQL, deliveryStateSQL, s.dialect.stateBefore(),
		s.dialect.lease(0), s.dialect.lease(1), releaseSQL, answerSQL, insertReadReportSQL,
		s.dialect.locked(releaseEventSQL), s.dialect.locked(answerEventSQL),
		insertAccountSQL, deleteAccountSQL, updatePasswordSQL, s.dialect.claimCDRs(), s.dialect.cdrsWritten(),
		s.dialect.renewDeliveries(), s.dialect.renewOutbox())
	if err != nil {
		return nil, err
	}
	var schema string
	if err := s.read.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("current schema: %w", err)
	}
	s.listen = newListener(workChannel+schema, cfg.Copy(), s.read, s.heard, log)
	go s.w.run()
	return s, nil
}

// pgDB is a database/sql pool of at most conns connections to cfg.
func pgDB(cfg *pgx.ConnConfig, conns int) *sql.DB {
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db
}

// CheckPostgres connects to dsn as OpenPostgres would, without changing
// anything, and reports the schema version there (0: none yet) and the one
// this program migrates to: what "mmsc check-config" tells the operator.
func CheckPostgres(ctx context.Context, dsn string) (have, want int, err error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return 0, 0, fmt.Errorf("store: postgres dsn: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("store: connect to postgres %s@%s:%d/%s: %w", cfg.User, cfg.Host, cfg.Port, cfg.Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, 0, fmt.Errorf("store: postgres: %w", err)
	}
	if exists {
		if err := conn.QueryRow(ctx, currentVersionSQL).Scan(&have); err != nil {
			return 0, 0, fmt.Errorf("store: postgres: schema version: %w", err)
		}
	}
	return have, len(migrations), nil
}
