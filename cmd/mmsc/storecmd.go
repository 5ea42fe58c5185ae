package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mmsc-project/mmsc/internal/store"
)

// Store drivers.
const (
	driverSQLite   = "sqlite"
	driverPostgres = "postgres"
)

// openStore opens the store c names, applying migrations.
func (c Config) openStore(ctx context.Context, log *slog.Logger) (*store.Store, error) {
	if c.Store.Driver == driverPostgres {
		return store.OpenPostgres(ctx, c.Store.DSN, log)
	}
	return store.OpenSQLite(ctx, c.DataDir, log)
}

// cmdMigrate applies the migrations this program has and the database has
// not, and says where the schema is. "mmsc serve" migrates on start as
// well (under a lock, so nodes starting together are safe); running this
// first lets an operator upgrade the schema before the new nodes start.
func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "migrate")
	config := fs.String("config", "", "configuration file")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := loadConfig(configPath(*config, e.getenv))
	if err != nil {
		return err
	}
	before, _, err := schemaVersion(ctx, cfg)
	if err != nil {
		return err
	}
	st, err := cfg.openStore(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	have, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if have == before {
		fmt.Fprintf(e.stdout, "%s store: schema at version %d, nothing to do\n", cfg.Store.Driver, have)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s store: schema migrated from version %d to %d\n", cfg.Store.Driver, before, have)
	return nil
}

// schemaVersion is the schema version of the configured database before
// anything is applied (0 for a new one), and this program's.
func schemaVersion(ctx context.Context, cfg Config) (have, want int, err error) {
	if cfg.Store.Driver == driverPostgres {
		return store.CheckPostgres(ctx, cfg.Store.DSN)
	}
	return store.CheckSQLite(ctx, cfg.DataDir)
}
