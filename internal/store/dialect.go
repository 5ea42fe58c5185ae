package store

import (
	"encoding/json"
	"fmt"
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
	// idSet reads a parameter holding row IDs as a set, for IN (see
	// idsArg), so that a statement naming any number of rows has one text
	// and is prepared once.
	idSet string
	// idsArray: the parameter is an array (else a JSON array in text).
	idsArray bool
}

var sqliteDialect = dialect{
	name: "sqlite",
	ddlWords: strings.NewReplacer(
		"{bytes}", "BLOB",
		"{serial_key}", "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{row_key}", "INTEGER PRIMARY KEY",
		"{raw_ref_segment}", "CAST(substr(raw_ref, 1, instr(raw_ref, ':') - 1) AS INTEGER)",
	),
	idSet: "(SELECT value FROM json_each(%s))",
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
	idSet:          "(SELECT unnest(CAST(%s AS BIGINT[])))",
	idsArray:       true,
}

func (d dialect) lease(routes int) string { return leaseSQL(routes, d.skipLocked) }
func (d dialect) leaseOutbox() string     { return leaseOutboxSQL(d.skipLocked) }
func (d dialect) stateBefore() string     { return deliveryStateSQL + d.lockRow }
func (d dialect) claimCDRs() string       { return claimCDRsSQL(d.skipLocked) }

// ids is the SQL for the set of row IDs in parameter param.
func (d dialect) ids(param string) string { return fmt.Sprintf(d.idSet, param) }

// idsArg is ids as the parameter that d.ids reads.
func (d dialect) idsArg(ids []int64) any {
	if d.idsArray {
		return ids
	}
	b, _ := json.Marshal(ids) // []int64 always marshals
	return string(b)
}
