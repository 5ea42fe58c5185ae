package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
)

// checkpointEvery is how much the writer commits between two background
// checkpoints. While the writer keeps committing, such a checkpoint copies
// pages but never catches up with the last frame, and then SQLite does not
// sync the database file; the pages stay dirty in the OS cache until a
// checkpoint does catch up. Copying often keeps each copy short.
const checkpointEvery = 1 << 20

// walBackstop is the WAL size, in pages (8 MB), at which the write
// connection checkpoints by itself (wal_autocheckpoint). Only a checkpoint
// that catches up lets the WAL start again from its beginning, and under
// steady load only the writer's own, run right after its commit, can. It
// copies little (the background has copied the rest) but must sync every
// page copied since the last such checkpoint, and the writes of the next
// batch wait for that: measured on the 2-CPU development VM, 8 MB costs a
// stall of about 30 ms, 32 MB about 100 ms, with no gain in throughput.
const walBackstop = 2048

const checkpointSQL = `PRAGMA wal_checkpoint(PASSIVE)`

// checkpointer copies committed pages from the WAL back into the database
// file on a connection of its own. SQLite would otherwise do that inside
// the commit that crosses its threshold, and every write of that batch would
// wait for megabytes of copying and the database file's fsync as well.
type checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	kick   chan struct{}
	quit   chan struct{}
	exited chan struct{}
	once   sync.Once
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	return &checkpointer{
		db:     db,
		log:    log,
		kick:   make(chan struct{}, 1),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
}

// poke asks for a checkpoint without waiting; pokes while one runs merge.
func (c *checkpointer) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.exited)
	for {
		select {
		case <-c.kick:
			c.checkpoint()
		case <-c.quit:
			return
		}
	}
}

// checkpoint runs a passive checkpoint: it never blocks the writer or the
// readers, it copies what it can. A failure costs nothing but a bigger WAL
// until the next one, so it is only logged.
func (c *checkpointer) checkpoint() {
	var busy, frames, copied int
	err := c.db.QueryRowContext(context.Background(), checkpointSQL).Scan(&busy, &frames, &copied)
	if err != nil {
		c.log.Warn("store: checkpoint failed", "err", err)
		return
	}
	c.log.Debug("store: checkpoint", "wal_frames", frames, "copied", copied, "busy", busy)
}

// stop waits for a running checkpoint and ends the loop.
func (c *checkpointer) stop() {
	c.once.Do(func() { close(c.quit) })
	<-c.exited
}
