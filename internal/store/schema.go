package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// migrations are the schema's versions, numbered by position: element i is
// version i+1. Append new ones; never edit one that has shipped, nor the
// spelling of a dialect word one uses (add a new word instead): a database
// migrated before the edit would differ from one created after it. A
// version is recorded in schema_version in the same transaction that
// applies it, so a crash leaves either the old schema or the new one.
//
// Each version is written once for both dialects, so that neither can miss
// a change. Types are chosen so that the dialects differ only in a few
// words of DDL, written in braces and spelled by each dialect (ddlWords):
// {bytes} (BLOB, bytea), {serial_key} (an auto-incremented BIGINT key),
// {row_key} (a BIGINT key above every one in the table, which SQLite
// gives again once the rows above it are deleted) and {raw_ref_segment}
// (the number in front of raw_ref's first colon). Times are BIGINT Unix
// milliseconds (0 = unset), booleans SMALLINT 0/1, text TEXT. Version 1
// put raw bytes and part data last in their rows, so that reading the
// other columns need not walk SQLite's overflow pages; columns added since
// come after them, which costs nothing now that SQLite keeps content in
// the content log and leaves those columns empty.
var migrations = []migration{
	// 1: messages, parts, deliveries, VASP accounts.
	{sql: `
CREATE TABLE vasps (
	name          TEXT NOT NULL PRIMARY KEY,
	password_hash TEXT NOT NULL DEFAULT '',
	allow_ip      TEXT NOT NULL DEFAULT '',
	sender_mask   TEXT NOT NULL DEFAULT '',
	created       BIGINT NOT NULL
);
CREATE TABLE messages (
	id                TEXT NOT NULL PRIMARY KEY,
	vasp              TEXT NOT NULL,
	received          BIGINT NOT NULL,
	envelope_from     TEXT NOT NULL,
	message_type      TEXT NOT NULL,
	mms_version       TEXT NOT NULL,
	transaction_id    TEXT NOT NULL,
	mm4_message_id    TEXT NOT NULL,
	smtp_message_id   TEXT NOT NULL,
	header_from       TEXT NOT NULL,
	header_to         TEXT NOT NULL,
	header_cc         TEXT NOT NULL,
	subject           TEXT NOT NULL,
	header_date       BIGINT NOT NULL,
	message_class     TEXT NOT NULL,
	priority          TEXT NOT NULL,
	expiry            BIGINT NOT NULL,
	ack_request       SMALLINT NOT NULL,
	delivery_report   SMALLINT NOT NULL,
	read_reply        SMALLINT NOT NULL,
	originator_system TEXT NOT NULL,
	sender            TEXT NOT NULL,
	sender_hidden     SMALLINT NOT NULL,
	content_type      TEXT NOT NULL,
	size              BIGINT NOT NULL,
	raw               {bytes} NOT NULL
);
CREATE INDEX messages_received ON messages (received, id);
CREATE TABLE parts (
	message_id       TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	idx              INTEGER NOT NULL,
	content_type     TEXT NOT NULL,
	name             TEXT NOT NULL,
	content_location TEXT NOT NULL,
	content_id       TEXT NOT NULL,
	size             BIGINT NOT NULL,
	sha256           TEXT NOT NULL,
	data             {bytes} NOT NULL,
	PRIMARY KEY (message_id, idx)
);
CREATE TABLE deliveries (
	id              {serial_key},
	message_id      TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	address         TEXT NOT NULL,
	route           TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_expires   BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	updated         BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_message ON deliveries (message_id);
`},
	// 2: content may live outside the row. A non-empty raw_ref / data_ref
	// ("segment:offset:length") points into the content log and the BLOB is
	// empty; an empty ref means the BLOB holds the bytes (PostgreSQL).
	{sql: `
ALTER TABLE messages ADD COLUMN raw_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE parts ADD COLUMN data_ref TEXT NOT NULL DEFAULT '';
`},
	// 3: MM1 delivery. A handset finds its recipient row by the token in
	// the Content-Location it fetches and by the Transaction-ID its answers
	// quote; notifications counts the pushes that reached the SMSC. Read
	// reports from handsets (m-read-rec-ind) wait in read_reports for the
	// path that reports them to the originator.
	{sql: `
ALTER TABLE deliveries ADD COLUMN token TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN transaction_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN notifications INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX deliveries_token ON deliveries (token) WHERE token <> '';
CREATE UNIQUE INDEX deliveries_transaction ON deliveries (transaction_id) WHERE transaction_id <> '';
CREATE TABLE read_reports (
	id         {serial_key},
	message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	address    TEXT NOT NULL,
	status     TEXT NOT NULL,
	at         BIGINT NOT NULL,
	received   BIGINT NOT NULL
);
CREATE INDEX read_reports_message ON read_reports (message_id);
`},
	// 4: retention. Each message records the content-log segment its bytes
	// are in (0: none, content inline), so that the sweep can tell which
	// segments still hold something and delete the others whole.
	{sql: `
ALTER TABLE messages ADD COLUMN segment BIGINT NOT NULL DEFAULT 0;
UPDATE messages SET segment = {raw_ref_segment} WHERE raw_ref <> '';
CREATE INDEX messages_segment ON messages (segment);
`},
	// 5: SMS delivery receipts: the SMSC's ID of a recipient's latest
	// notification, and the state its receipt reported (DELIVRD, UNDELIV,
	// EXPIRED, ...): whether the push reached the phone at all.
	{sql: `
ALTER TABLE deliveries ADD COLUMN smsc_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN sms_status TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_smsc ON deliveries (smsc_id) WHERE smsc_id <> '';
`},
	// 6: MM4 both ways: the operator's routes (package route), and where
	// each VASP wants its MM4 responses and reports (a VASP without
	// report_to gets none sent).
	{sql: `
CREATE TABLE routes (
	name              TEXT NOT NULL PRIMARY KEY,
	kind              TEXT NOT NULL,
	match_masks       TEXT NOT NULL,
	is_default        SMALLINT NOT NULL,
	host              TEXT NOT NULL,
	domain            TEXT NOT NULL,
	originator_system TEXT NOT NULL,
	sender            TEXT NOT NULL,
	sender_override   SMALLINT NOT NULL,
	tls               TEXT NOT NULL,
	auth_user         TEXT NOT NULL,
	auth_password     TEXT NOT NULL,
	strip_prefix      TEXT NOT NULL,
	add_prefix        TEXT NOT NULL,
	created           BIGINT NOT NULL
);
ALTER TABLE vasps ADD COLUMN report_to TEXT NOT NULL DEFAULT '';
ALTER TABLE vasps ADD COLUMN report_user TEXT NOT NULL DEFAULT '';
ALTER TABLE vasps ADD COLUMN report_password TEXT NOT NULL DEFAULT '';
`},
	// 7: how many MMSCs a message has passed through
	// (X-Mms-Forward-Counter), to stop loops.
	{sql: `
ALTER TABLE messages ADD COLUMN forward_counter INTEGER NOT NULL DEFAULT 0;
`},
	// 8: the outbox: MM4 mails the MMSC owes the originators of messages
	// (responses and reports), each sent to the originator's report
	// endpoint by its own queue.
	{sql: `
CREATE TABLE outbox (
	id              {serial_key},
	message_id      TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	vasp            TEXT NOT NULL,
	kind            TEXT NOT NULL,
	mail_from       TEXT NOT NULL,
	rcpt_to         TEXT NOT NULL,
	data            {bytes} NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_expires   BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	updated         BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_message ON outbox (message_id);
`},
	// 9: an outbox mail may be a delivery report still to be written,
	// about one recipient (about) and its outcome (status); the sender
	// builds it when it sends it.
	{sql: `
ALTER TABLE outbox ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT '';
`},
	// 10: peers' reports name our messages by X-Mms-Message-ID.
	{sql: `
CREATE INDEX messages_mm4_message_id ON messages (mm4_message_id);
`},
	// 11: content is stored out of line without compression: it is mostly
	// media that is compressed already, and trying costs the server CPU on
	// every accept for nothing. SQLite keeps content in the content log.
	{only: postgresDialect.name, sql: `
ALTER TABLE messages ALTER COLUMN raw SET STORAGE EXTERNAL;
ALTER TABLE parts ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE outbox ALTER COLUMN data SET STORAGE EXTERNAL;
`},
	// 12: at most one route is the default, kept by the database, so that
	// two operators (or two nodes) adding one at the same moment cannot
	// both succeed.
	{sql: `
CREATE UNIQUE INDEX routes_one_default ON routes (is_default) WHERE is_default = 1;
`},

	// 13: the interface a message came by (mms.Origin; the account is in
	// vasp). Every message before it came over MM4.
	{sql: `
ALTER TABLE messages ADD COLUMN origin_interface TEXT NOT NULL DEFAULT 'mm4';
`},

	// 14: a handset that timed out sends its m-send-req again with the
	// same Transaction-ID; its first submission is found by these.
	{sql: `
CREATE INDEX messages_submission ON messages (envelope_from, transaction_id) WHERE origin_interface = 'mm1';
`},

	// 15: where a VASP takes MM7 (its delivery and read reports, and the
	// messages sent to its short codes), and in which MM7Version.
	{sql: `
ALTER TABLE vasps ADD COLUMN mm7_url TEXT NOT NULL DEFAULT '';
ALTER TABLE vasps ADD COLUMN mm7_user TEXT NOT NULL DEFAULT '';
ALTER TABLE vasps ADD COLUMN mm7_password TEXT NOT NULL DEFAULT '';
ALTER TABLE vasps ADD COLUMN mm7_version TEXT NOT NULL DEFAULT '';
`},

	// 16: the VASP an mm7 route takes short codes to.
	{sql: `
ALTER TABLE routes ADD COLUMN vasp TEXT NOT NULL DEFAULT '';
`},

	// 17: how many of a VASP's messages a second are delivered.
	{sql: `
ALTER TABLE vasps ADD COLUMN max_rate BIGINT NOT NULL DEFAULT 0;
`},

	// 18: what a VASP said of a message's service (mms.Service, as JSON;
	// '' for none).
	{sql: `
ALTER TABLE messages ADD COLUMN service TEXT NOT NULL DEFAULT '';
`},

	// 19: one read report per recipient, under its address as stored.
	// Before, any number's reports were kept, as often as sent: the first
	// of each stays.
	{sql: `
DELETE FROM read_reports WHERE id NOT IN (SELECT MIN(id) FROM read_reports GROUP BY message_id, address);
DROP INDEX read_reports_message;
CREATE UNIQUE INDEX read_reports_recipient ON read_reports (message_id, address);
`},

	// 20: CDRs, an outbox of one line per final recipient. first_notified
	// is when a push for the recipient first reached the SMSC (0: never;
	// unknown for pushes before this version). cdr_written is when its CDR
	// was synced to its file (0: owed once the state is final; -1: never
	// owed, final before CDRs existed, so that turning them on does not
	// write the past); cdr_claimed is until when a node writing it holds
	// it. The states are spelled out: leasableStates may grow, this
	// version may not change.
	{sql: `
ALTER TABLE deliveries ADD COLUMN first_notified BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN cdr_written BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN cdr_claimed BIGINT NOT NULL DEFAULT 0;
UPDATE deliveries SET cdr_written = -1 WHERE state NOT IN ('queued', 'notified', 'deferred', 'sent');
CREATE INDEX deliveries_cdr_owed ON deliveries (id)
	WHERE cdr_written = 0 AND state NOT IN ('queued', 'notified', 'deferred', 'sent');
`},

	// 21: each recipient's history (mms.Event), written with every change
	// to its row, read a message at a time in order. Messages accepted
	// before it have none for their past. Its key is a {row_key}: a new
	// event's is above all kept, so it still orders each message's events,
	// and SQLite need not read and write sqlite_sequence on every accept
	// (AUTOINCREMENT took about 40 % of the time the history costs).
	{sql: `
CREATE TABLE recipient_events (
	id         {row_key},
	message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	address    TEXT NOT NULL,
	at         BIGINT NOT NULL,
	kind       TEXT NOT NULL,
	state      TEXT NOT NULL,
	detail     TEXT NOT NULL,
	node       TEXT NOT NULL
);
CREATE INDEX recipient_events_message ON recipient_events (message_id, id);
`},

	// 22: how many SMTP sessions a VASP may hold open at once (0: the
	// server's default).
	{sql: `
ALTER TABLE vasps ADD COLUMN max_connections BIGINT NOT NULL DEFAULT 0;
`},
}

// migration is one schema version.
type migration struct {
	// sql is the version's statements, with the dialect words in braces.
	sql string
	// only names the one dialect the version is for. Every other dialect
	// records the version all the same, running a statement that changes
	// nothing, so that version numbers mean one schema everywhere.
	only string
}

// ddl is m as d runs it.
func (d dialect) ddl(m migration) string {
	if m.only != "" && m.only != d.name {
		return "SELECT 1"
	}
	return d.ddlWords.Replace(m.sql)
}

// schema_version is the same in both dialects.
const (
	createSchemaVersionSQL = `CREATE TABLE IF NOT EXISTS schema_version (
	version BIGINT NOT NULL PRIMARY KEY,
	applied BIGINT NOT NULL
)`
	currentVersionSQL = `SELECT COALESCE(MAX(version), 0) FROM schema_version`
	recordVersionSQL  = `INSERT INTO schema_version (version, applied) VALUES ($1, $2)`
)

// migrate applies to db, as d spells them, the migrations it lacks. The whole
// check-and-apply runs in one write transaction (BEGIN IMMEDIATE on
// SQLite; under an advisory lock on PostgreSQL, whose DDL is
// transactional), so two processes opening a new database at once cannot
// both apply version 1, and a failed version leaves the schema as it was.
func migrate(ctx context.Context, db *sql.DB, d dialect, log *slog.Logger) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if d.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, d.lockMigrations); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, createSchemaVersionSQL); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, currentVersionSQL).Scan(&have); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program (%d)", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, d.ddl(migrations[v-1])); err != nil {
			return fmt.Errorf("migrate: version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, recordVersionSQL, v, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migrate: version %d: %w", v, err)
		}
		log.Info("store: schema migrated", "version", v)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// SchemaVersion is the schema version the database is at, and the one this
// program migrates to.
func (s *Store) SchemaVersion(ctx context.Context) (have, want int, err error) {
	if err := s.read.QueryRowContext(ctx, currentVersionSQL).Scan(&have); err != nil {
		return 0, 0, fmt.Errorf("store: schema version: %w", err)
	}
	return have, len(migrations), nil
}
