// Package store keeps everything the MMSC must not lose: accepted messages
// (every field, the raw bytes as received and each decoded part), one
// delivery row per recipient that the queue leases as a work item, each
// recipient's history of events, and the VASP accounts. It holds every SQL
// statement and migration of the project.
//
// Two backends run the same statements: SQLite (OpenSQLite), embedded, for
// one node; and PostgreSQL (OpenPostgres), for several nodes that share one
// database. Everything below holds for both unless it says otherwise.
//
// # Durability
//
// Accept returns nil only after the message, its parts and its delivery rows
// have been committed in one transaction and that commit has been synced to
// disk (SQLite: WAL journal, synchronous=FULL; PostgreSQL: the writer's
// session forces synchronous_commit=on). Anything else is an error, which
// the SMTP edge answers with a temporary failure so that the sender tries
// again.
//
// # Content
//
// The bytes of a message (the raw message and each decoded part) are not
// BLOBs in the database but pieces of append-only segment files under
// content/, which the rows point into ("segment:offset:length"). SQLite in
// WAL mode writes a BLOB twice (WAL, then checkpoint) in page-sized writes;
// content is ~99% of what is stored, and written once, sequentially, it
// costs the disk half as much. The pieces are synced before the rows that
// point at them commit, so a row never points at bytes that are not on
// disk; a crash in between leaves bytes nothing points at, which is harmless.
// The schema keeps the BLOB columns: PostgreSQL stores content inline
// (bytea) and leaves the reference empty, so that every node can serve
// every message. Content is stored in one of these two ways, chosen when
// the store is opened; an object store would be a third.
//
// # Group commit
//
// One writer owns the only write connection. It takes whatever writes are
// waiting (up to 256 or about 8 MB), appends their content with one fsync,
// and runs their rows in one transaction, so one more fsync covers the whole
// batch. Writes that arrive meanwhile wait and make the next batch. A write
// that fails inside a batch does not fail its neighbours: the batch is rolled
// back and each write is retried in a transaction of its own. Expected refusals (a
// duplicate message ID or account name, a row that is not there) write
// nothing and so never break a batch. Other write methods (accounts, Lease,
// Release) go through the same writer, so they never wait on a lock held by
// this process; a second process (the CLI) waits on SQLite's busy timeout.
//
// Copying the WAL back into the database file (the checkpoint) runs on a
// connection of its own in the background, so a commit never waits for it;
// the writer checkpoints by itself only if the WAL has grown past a backstop
// size, which under steady load is what lets the WAL start over.
//
// Reads use a separate pool of query-only connections and never wait for the
// writer.
//
// On PostgreSQL the writer gathers batches the same way and commits them on
// a few connections at once (pgCommitters), each batch one transaction and
// one commit; an accept is a single statement there (acceptOneSQL), so a
// batch costs one round trip per write. Content is inline, so there is no
// content sync. While one connection gathers the next batch the others
// commit theirs. Several nodes write at once; the database orders them, and
// two batches that deadlock on rows are retried write by write like any
// failed batch.
//
// # Several nodes
//
// Deliveries (and outbox mails) are work items leased, not owned: Lease
// claims due rows with a lease expiry, skipping rows another node is
// claiming at that moment (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has
// one writer at a time). A live node renews the leases it holds (Renew,
// by row ID, only while they are its own and live); one that dies
// mid-attempt holds its rows until the lease runs out; then any node takes
// them, with the attempt counted. A release by an owner whose lease was
// taken over is refused. New work is
// announced to the other nodes with NOTIFY on a channel named after the
// schema (OnWork), so that none waits for a poll.
//
// CDRs are an outbox in the deliveries themselves: a recipient that
// becomes final owes one (cdr_written = 0) until the CDR writer has synced
// its line and says so (CDRsWritten). The writer claims owed rows for a
// short while (ClaimCDRs) the way queues lease work, so that nodes write
// each line once, and one that dies leaves its claims to the others.
//
// Migrations are numbered, recorded in schema_version, and applied in one
// transaction that, on PostgreSQL, first takes an advisory lock: nodes that
// start together apply each version once.
//
// # Portability
//
// The schema and queries are written once for both: times are BIGINT Unix
// milliseconds, booleans are 0/1 integers, parameters are numbered ($1) and
// the only extensions used are ON CONFLICT DO NOTHING and RETURNING, which
// both speak. What differs is in the dialect: a few words of DDL, row
// locks (leases skip locked rows; a state read before its change locks
// it), the migration lock, how a set of row IDs is passed as one
// parameter (a JSON array on SQLite, an array on PostgreSQL), and
// PostgreSQL's accept in one statement (acceptOneSQL, which only it
// runs). The same conformance tests run on both.
//
// # Departures
//
// Times keep millisecond precision and come back in UTC; a zero time is
// stored as 0 and comes back as the zero time, so the instant of the Unix
// epoch itself cannot be stored. Empty byte slices and lists (Raw, part
// Data, To, Cc; Parts and Recipients when there are none) come back nil.
// Accept writes the delivery rows from m.Recipients rather than taking them
// as a separate argument, and refuses a duplicate ID with ErrExists.
package store
