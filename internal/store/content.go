package store

// contentStore keeps the bytes of messages (the raw message and each part)
// outside their rows; a row keeps the reference it was given. The content
// log under data_dir is one (SQLite); an object store would be another. A
// store without one keeps content inline in its rows (PostgreSQL, so that
// every node reads every message).
//
// Removing what no message uses any more is the implementation's own
// business, driven by Purge: the content log deletes whole segments (see
// contentLog.sweep).
type contentStore interface {
	// write stores pieces and returns a reference for each, in order,
	// and sync, which returns once they are durable: rows that point at
	// them commit after sync has returned nil. Nothing else may be
	// written before sync has returned.
	write(pieces [][]byte) (refs []string, sync func() error, err error)
	read(ref string) ([]byte, error)
	close() error
}
