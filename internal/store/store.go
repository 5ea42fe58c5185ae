package store

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Store is the MMSC's store on either backend: SQLite (OpenSQLite) or
// PostgreSQL (OpenPostgres). Both run the same statements through the
// same group-commit writer; what differs is in the dialect and in where
// content lives.
type Store struct {
	dialect dialect
	writes  []*sql.DB // one connection each, owned by w's committers; the first also migrates
	read    *sql.DB   // the read pool
	w       *writer

	// SQLite only.
	ckptDB  *sql.DB // one connection, owned by ckpt
	ckpt    *checkpointer
	content contentStore // nil: content is inline in its rows

	// PostgreSQL only.
	listen *listener

	closed sync.Once
	err    error // from the first Close

	node       atomic.Pointer[string]          // names this node in the events it records (SetNode)
	outboxWake atomic.Pointer[func()]          // told when a write queued outbox mail
	workWake   atomic.Pointer[func(mms.Route)] // told when another node has new work
	finalWake  atomic.Pointer[func()]          // told when a write here made a recipient final
	keepOwed   atomic.Bool                     // Purge keeps messages with CDRs owed
}

// OnOutbox sets what to call when a write has queued outbox mail (a
// delivery report), here or, with PostgreSQL, on another node, so that the
// outbox's queue need not poll.
func (s *Store) OnOutbox(wake func()) { s.outboxWake.Store(&wake) }

func (s *Store) wakeOutbox() {
	if f := s.outboxWake.Load(); f != nil {
		(*f)()
	}
}

// OnFinal sets what to call when a write here has made a recipient final,
// so that its CDR need not wait for a poll. Other nodes' writes are not
// told: a poll finds them.
func (s *Store) OnFinal(wake func()) { s.finalWake.Store(&wake) }

func (s *Store) wakeFinal() {
	if f := s.finalWake.Load(); f != nil {
		(*f)()
	}
}

// OnWork sets what to call when a node sharing the database has written
// work that is due now: route is a recipient's route ("mm4:NAME" for each
// peer), or mms.AllRoutes when this node may have missed announcements. It is how the nodes of a cluster wake each other
// (PostgreSQL LISTEN/NOTIFY); on SQLite, the one process that writes wakes
// its own queues, and wake is never called.
func (s *Store) OnWork(wake func(route mms.Route)) { s.workWake.Store(&wake) }

func (s *Store) wakeWork(route mms.Route) {
	if f := s.workWake.Load(); f != nil {
		(*f)(route)
	}
}

// Observe has every group commit from now on told to o.
func (s *Store) Observe(o Observer) { s.w.observer.Store(&o) }

// Close stops the writer after it has committed what was handed to it, then
// closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closed.Do(func() {
		s.w.stop()
		var errs []error
		if s.listen != nil {
			s.listen.stop()
		}
		if s.ckpt != nil {
			s.ckpt.stop()
		}
		errs = append(errs, s.closeDBs())
		if s.content != nil {
			errs = append(errs, s.content.close())
		}
		if err := errors.Join(errs...); err != nil {
			s.err = fmt.Errorf("store: close: %w", err)
		}
	})
	return s.err
}

func (s *Store) closeDBs() error {
	var errs []error
	for _, db := range append([]*sql.DB{s.read, s.ckptDB}, s.writes...) {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}
