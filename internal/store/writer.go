package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Batch limits. 256 writes or 8 MB keep one commit well under a second on a
// slow disk, so no submitter waits long behind a big batch, while concurrent
// SMTP sessions (tens, not thousands) all fit in one.
const (
	maxBatchOps   = 256
	maxBatchBytes = 8 << 20
)

// An op is one write handed to the writer: run executes it inside the
// current batch transaction and must leave no trace on a batch that is later
// rolled back (it may run again, alone, in a transaction of its own).
type op struct {
	run     func(*batch) error
	content [][]byte // appended to the content log and synced before the batch
	refs    []string // where content went, set by the writer before run
	hold    func()   // tests only: runs while its batch is gathered, to park the writer
	size    int      // bytes it writes, to bound the batch
	state   atomic.Int32
	done    chan error // buffered: the writer never blocks on an answer
}

const (
	opWaiting   = iota // in the queue
	opTaken            // the writer has put it into a batch
	opAbandoned        // the caller gave up before that
)

// take and abandon race for a waiting op; exactly one of them wins, so an op
// is either written and answered or dropped with its caller already gone.
func (o *op) take() bool    { return o.state.CompareAndSwap(opWaiting, opTaken) }
func (o *op) abandon() bool { return o.state.CompareAndSwap(opWaiting, opAbandoned) }

// writer is the group commit: committers, each owning one connection, take
// turns gathering the writes that wait into a batch, append the batch's
// content and commit it. SQLite has one committer (it has one writer at a
// time anyway), so gathering, the content sync and the commit follow each
// other, and writes arriving meanwhile make the next batch. PostgreSQL may
// have several, so that a node keeps more than one CPU of the server busy
// while each batch still shares one commit: one gathers while the others
// commit.
//
// An earlier writer ran the content sync and the commit as two pipelined
// stages in two goroutines. On the 2-core machines this runs on, that cost
// more in handoffs and concurrent syncs than the overlap won (BENCHMARKS.md).
type writer struct {
	log      *slog.Logger
	ops      chan *op
	quit     chan struct{} // closed by stop
	exited   chan struct{} // closed when run returns
	stopOnce sync.Once

	ckpt    *checkpointer
	content contentStore

	committers []*committer
	gathering  sync.Mutex // one committer gathers at a time: batches keep their order and content its single writer

	observer atomic.Pointer[Observer] // nil: nobody is told of commits
}

// Observer is told of each group commit: the writes it carried and the
// time from the start of its content's sync to its transaction's commit,
// which is what a write waits once its batch is gathered.
type Observer interface {
	Committed(writes int, took time.Duration)
}

// committer commits batches on its one connection.
type committer struct {
	w         *writer
	db        *sql.DB
	stmts     map[string]*sql.Stmt // prepared once on db, reused by every batch
	results   []error
	committed int // bytes since the last checkpoint was asked for
}

// newWriter prepares queries, the statements its ops will run, on each of
// dbs (one connection each, one committer each); it must be started with
// run. Preparing them now means a batch only binds and steps: while a
// batch holds a connection nothing else could be prepared on it.
func newWriter(ctx context.Context, dbs []*sql.DB, ckpt *checkpointer, content contentStore, log *slog.Logger, queries ...string) (*writer, error) {
	w := &writer{
		content: content,
		ckpt:    ckpt,
		log:     log,
		ops:     make(chan *op, maxBatchOps),
		quit:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
	for _, db := range dbs {
		c := &committer{w: w, db: db, stmts: make(map[string]*sql.Stmt)}
		w.committers = append(w.committers, c)
		for _, q := range queries {
			st, err := db.PrepareContext(ctx, q)
			if err != nil {
				w.closeStmts()
				return nil, fmt.Errorf("prepare %q: %w", q, err)
			}
			c.stmts[q] = st
		}
	}
	return w, nil
}

// do hands fn to the writer and waits for its batch to be committed. The
// caller's ctx counts only until the writer takes the op: after that the
// write completes or fails with its batch, and do reports which.
func (w *writer) do(ctx context.Context, size int, fn func(*batch) error) error {
	return w.doOp(ctx, &op{run: fn, size: size})
}

// doContent is do for a write with content: the writer appends content to
// the content log and syncs it before the batch, and fn gets a reference to
// each piece, in order.
func (w *writer) doContent(ctx context.Context, content [][]byte, fn func(b *batch, refs []string) error) error {
	o := &op{content: content}
	for _, c := range content {
		o.size += len(c)
	}
	o.run = func(b *batch) error { return fn(b, o.refs) }
	return w.doOp(ctx, o)
}

func (w *writer) doOp(ctx context.Context, o *op) error {
	o.done = make(chan error, 1)
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-w.quit:
		return ErrClosed
	default:
	}
	select {
	case w.ops <- o:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return ErrClosed
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		if o.abandon() {
			return ctx.Err()
		}
	case <-w.exited:
		// Sent after the writer's final drain: nobody will take it.
		if o.abandon() {
			return ErrClosed
		}
	}
	return <-o.done
}

// stop makes the writer commit what it has been handed and return.
func (w *writer) stop() {
	w.stopOnce.Do(func() { close(w.quit) })
	<-w.exited
}

// run is the writer: every committer takes a batch and commits it, until
// stop and the last write handed over are through.
func (w *writer) run() {
	defer close(w.exited)
	defer w.closeStmts()
	var wg sync.WaitGroup
	for _, c := range w.committers {
		wg.Go(func() {
			for ops, start, durable := w.take(); ops != nil; ops, start, durable = w.take() {
				c.commit(ops, durable)
				if o := w.observer.Load(); o != nil && !start.IsZero() {
					(*o).Committed(len(ops), time.Since(start))
				}
			}
		})
	}
	wg.Wait()
}

// take waits for a write, gathers a batch around it and writes the batch's
// content, and says when it started on that; it returns nil once stop was
// called and nothing is left. Rows are committed only after durable, which
// waits for their content's sync, has returned nil.
func (w *writer) take() (ops []*op, start time.Time, durable func() error) {
	w.gathering.Lock()
	defer w.gathering.Unlock()
	for {
		var first *op
		select {
		case first = <-w.ops:
		case <-w.quit:
			if first = w.next(); first == nil {
				return nil, time.Time{}, nil
			}
		}
		ops = w.gather(first)
		for _, o := range ops {
			if o.hold != nil {
				o.hold()
			}
		}
		if w.observer.Load() != nil { // a clock read is all that observing costs a batch
			start = time.Now()
		}
		if ops, durable = w.appendContent(ops); len(ops) > 0 {
			return ops, start, durable
		}
	}
}

// gather takes first and whatever else is already waiting, without waiting
// for more: under load the queue refills while a batch commits, so batches
// grow with concurrency and a lone writer pays no added latency.
func (w *writer) gather(first *op) []*op {
	ops := make([]*op, 0, 16) // a new slice: another committer may still hold the previous batch
	bytes := 0
	for o := first; o != nil; o = w.next() {
		if o.take() {
			ops = append(ops, o)
			bytes += o.size
		}
		if len(ops) == maxBatchOps || bytes >= maxBatchBytes {
			break
		}
	}
	return ops
}

// next returns a waiting op, or nil if there is none.
func (w *writer) next() *op {
	select {
	case o := <-w.ops:
		return o
	default:
		return nil
	}
}

// opError marks a failure of one op, as opposed to one of the transaction.
type opError struct{ err error }

func (e opError) Error() string { return e.err.Error() }
func (e opError) Unwrap() error { return e.err }

// commit writes ops in one transaction and answers each of them. If one op
// fails, the batch is rolled back and every op is retried alone, so a bad
// message costs its neighbours an fsync each but never their acceptance. A
// failure to begin or commit is the database's, not an op's: retrying would
// only repeat it (each time after the busy timeout), so it fails the batch.
//
// durable says whether the batch's content is durable; the transaction
// commits only once it has said yes, and fails with it otherwise.
func (c *committer) commit(ops []*op, durable func() error) {
	if len(ops) == 0 {
		return
	}
	if durable != nil {
		defer durable() // the next batch's content waits for this one's sync, whatever became of the batch
	}
	w := c.w
	results := c.results[:0]
	err := c.inTx(durable, func(b *batch) error {
		results = results[:0]
		for _, o := range ops {
			err := o.run(b)
			if err != nil && !isRefusal(err) {
				return opError{err}
			}
			results = append(results, err)
		}
		return nil
	})
	c.results = results
	var oe opError
	switch {
	case err == nil:
		for i, o := range ops {
			o.done <- results[i]
		}
		c.wrote(ops)
	case errors.As(err, &oe) && len(ops) > 1:
		w.log.Warn("store: write failed in a batch; retrying the batch's writes one by one",
			"writes", len(ops), "err", oe.err)
		for _, o := range ops {
			o.done <- c.inTx(durable, o.run)
		}
		c.wrote(ops)
	case errors.As(err, &oe):
		o := ops[0]
		o.done <- oe.err
	default:
		for _, o := range ops {
			o.done <- err
		}
	}
	clear(ops) // let the messages be collected
}

// wrote asks for a checkpoint every checkpointEvery bytes of WAL. Each
// write counts a page more than its payload, for its rows and index
// entries; content went to the content log, not the WAL, and counts not.
func (c *committer) wrote(ops []*op) {
	if c.w.ckpt == nil {
		return
	}
	for _, o := range ops {
		if len(o.content) == 0 {
			c.committed += o.size
		}
		c.committed += 4096
	}
	if c.committed >= checkpointEvery {
		c.committed = 0
		c.w.ckpt.poke()
	}
}

// inTx runs fn in one write transaction and commits it once durable (if
// not nil) has returned nil. The writer's work is not tied to any
// caller's context (see do), hence Background.
func (c *committer) inTx(durable func() error, fn func(*batch) error) error {
	ctx := context.Background()
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	b := &batch{ctx: ctx, tx: tx, c: c}
	if err := fn(b); err != nil {
		tx.Rollback()
		return err
	}
	if durable != nil {
		if err := durable(); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (w *writer) closeStmts() {
	for _, c := range w.committers {
		for q, st := range c.stmts {
			st.Close()
			delete(c.stmts, q)
		}
	}
}

// batch is the transaction an op runs in.
type batch struct {
	ctx   context.Context
	tx    *sql.Tx
	c     *committer
	stmts map[string]*sql.Stmt // the committer's statements bound to tx
}

// stmt returns the writer's statement for query bound to the batch, or
// prepares query in the batch if the writer does not know it.
func (b *batch) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	st, ok := b.c.stmts[query]
	if ok {
		st = b.tx.StmtContext(b.ctx, st)
	} else {
		var err error
		if st, err = b.tx.PrepareContext(b.ctx, query); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	if b.stmts == nil {
		b.stmts = make(map[string]*sql.Stmt)
	}
	b.stmts[query] = st
	return st, nil
}

func (b *batch) exec(query string, args ...any) (sql.Result, error) {
	st, err := b.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(b.ctx, args...)
}

func (b *batch) query(query string, args ...any) (*sql.Rows, error) {
	st, err := b.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(b.ctx, args...)
}

// queryIDs runs a statement that returns row IDs (a write's RETURNING id)
// and collects them.
func (b *batch) queryIDs(query string, args ...any) ([]int64, error) {
	rows, err := b.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var l []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		l = append(l, id)
	}
	return l, rows.Err()
}

// execOne runs a statement that must change exactly one row, reporting
// mms.ErrNotFound when it changed none.
func (b *batch) execOne(query string, args ...any) error {
	res, err := b.exec(query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return mms.ErrNotFound
	}
	return nil
}

// appendContent writes the content of every op in the batch to the content
// log and starts its one sync, which durable waits for: the rows that refer
// to it are inserted meanwhile and committed after. If the write fails, the
// ops with content fail and the others go on.
func (w *writer) appendContent(ops []*op) (kept []*op, durable func() error) {
	var pieces [][]byte
	for _, o := range ops {
		pieces = append(pieces, o.content...)
	}
	if len(pieces) == 0 {
		return ops, nil
	}
	refs, syncContent, err := w.content.write(pieces)
	if err == nil {
		synced := make(chan error, 1)
		go func() { synced <- syncContent() }()
		durable = sync.OnceValue(func() error { return <-synced })
	}
	kept = ops[:0]
	for _, o := range ops {
		switch {
		case len(o.content) == 0:
			kept = append(kept, o)
		case err != nil:
			o.done <- err
		default:
			o.refs, refs = refs[:len(o.content):len(o.content)], refs[len(o.content):]
			kept = append(kept, o)
		}
	}
	return kept, durable
}
