package store

import (
	"strconv"
	"strings"
)

// dialect is what the two backends say differently. Everything else (every
// DML statement) is the same text on both.
type dialect struct {
	name string
	// ddlWords spells the words in braces that migrations write where the
	// dialects' DDL differs.
	ddlWords *strings.Replacer
	// lockMigrations runs first in the migration transaction, so that
	// nodes starting together apply each version once; "" for none.
	lockMigrations string
	// skipLocked ends a lease's inner SELECT: on PostgreSQL, rows another
	// node is leasing right now are skipped rather than waited for. SQLite
	// has one writer at a time and no row locks.
	skipLocked string
	// acceptOne: Accept runs as one statement (acceptOneSQL).
	acceptOne bool
	// lockRow ends a SELECT whose row the transaction will change and
	// whose value before the change matters (a delivery's state, to tell
	// whether a report is owed): on PostgreSQL a writer on another
	// connection or node must wait until this one commits, or both would
	// see the old state and report one change twice. SQLite's one writer
	// needs none.
	lockRow string
}

var sqliteDialect = dialect{
	name: "sqlite",
	ddlWords: strings.NewReplacer(
		"{bytes}", "BLOB",
		"{serial_key}", "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{row_key}", "INTEGER PRIMARY KEY",
		"{raw_ref_segment}", "CAST(substr(raw_ref, 1, instr(raw_ref, ':') - 1) AS INTEGER)",
	),
}

// migrationLockKey is the advisory lock the PostgreSQL migrations hold: an
// arbitrary number, "mmsc" in ASCII.
const migrationLockKey = 0x6d6d7363

var postgresDialect = dialect{
	name: "postgres",
	ddlWords: strings.NewReplacer(
		"{bytes}", "BYTEA",
		"{serial_key}", "BIGSERIAL PRIMARY KEY",
		"{row_key}", "BIGSERIAL PRIMARY KEY",
		"{raw_ref_segment}", "CAST(split_part(raw_ref, ':', 1) AS BIGINT)",
	),
	lockMigrations: "SELECT pg_advisory_xact_lock(" + strconv.Itoa(migrationLockKey) + ")",
	skipLocked:     " FOR UPDATE SKIP LOCKED",
	acceptOne:      true,
	lockRow:        " FOR UPDATE",
}

func (d dialect) lease(routes int) string { return leaseSQL(routes, d.skipLocked) }
func (d dialect) leaseOutbox() string     { return leaseOutboxSQL(d.skipLocked) }
func (d dialect) stateBefore() string     { return deliveryStateSQL + d.lockRow }
