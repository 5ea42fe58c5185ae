package cdr

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Source is where the CDRs owed come from, and where their writing is
// recorded: the store.
type Source interface {
	// ClaimCDRs claims up to limit final recipients whose CDR is owed,
	// keeping other writers off them until now+claimFor.
	ClaimCDRs(ctx context.Context, now time.Time, claimFor time.Duration, limit int) ([]mms.FinalRecipient, error)
	// CDRsWritten records that the CDRs of recipients ids are synced.
	CDRsWritten(ctx context.Context, ids []int64, now time.Time) error
}

// Defaults of Config.
const (
	// DefaultPoll bounds how late a CDR is when no wake announced it (a
	// recipient ended on another node, a claim ran out).
	DefaultPoll = 2 * time.Second
	// DefaultClaimFor is far more than a batch takes from claim to mark,
	// and what a writer that died between them delays its lines by.
	DefaultClaimFor = 10 * time.Second
	// DefaultBatch lines are claimed, written and synced at once.
	DefaultBatch = 256
	// DefaultLinger is how long the writer rests after writing lines, so
	// that under load one sync, one claim and one mark cover the
	// recipients that ended meanwhile (BENCHMARKS.md, "CDRs"); the first
	// line after a quiet spell is written at once.
	DefaultLinger = 50 * time.Millisecond
	// finalFlush bounds the last flush when the writer stops.
	finalFlush = 10 * time.Second
)

// Config is where and how CDRs are written.
type Config struct {
	Dir      string
	Poll     time.Duration    // 0: DefaultPoll
	ClaimFor time.Duration    // 0: DefaultClaimFor
	Batch    int              // 0: DefaultBatch
	Linger   time.Duration    // 0: DefaultLinger
	Now      func() time.Time // nil: time.Now
}

// Writer appends the CDRs owed to the day's file.
type Writer struct {
	src  Source
	cfg  Config
	log  *slog.Logger
	wake chan struct{}
	file *dayFile // nil until the first line, and after a failure
}

// New returns a writer into cfg.Dir, which it creates (0750) if need be,
// with the day's file open, so that a directory it cannot write in stops
// the server at start. It writes no line until Run or Flush.
func New(src Source, cfg Config, log *slog.Logger) (*Writer, error) {
	if cfg.Dir == "" {
		return nil, errors.New("cdr: no directory")
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("cdr: %w", err)
	}
	cfg.Poll = cmp.Or(cfg.Poll, DefaultPoll)
	cfg.ClaimFor = cmp.Or(cfg.ClaimFor, DefaultClaimFor)
	cfg.Batch = cmp.Or(cfg.Batch, DefaultBatch)
	cfg.Linger = cmp.Or(cfg.Linger, DefaultLinger)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &Writer{src: src, cfg: cfg, log: log, wake: make(chan struct{}, 1)}
	if err := w.open(cfg.Now()); err != nil {
		return nil, err
	}
	return w, nil
}

// Wake tells the writer a recipient has ended: its CDR is written now
// rather than at the next poll. It never blocks, and wakes coalesce.
func (w *Writer) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run writes CDRs as they become owed until ctx ends, then writes those
// still owed (give it a store that is still open) and closes the file.
func (w *Writer) Run(ctx context.Context) {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		if w.drain(ctx) > 0 {
			select { // wakes meanwhile wait in w.wake
			case <-ctx.Done():
			case <-time.After(w.cfg.Linger):
			}
		}
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalFlush)
			w.drain(last)
			cancel()
			w.closeFile()
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// drain flushes until a batch comes back short, one fails (it is tried
// again at the next wake or poll), or ctx ends, and says how many lines
// it wrote.
func (w *Writer) drain(ctx context.Context) (lines int) {
	for ctx.Err() == nil {
		// A batch under way is finished whatever ctx does: cut short
		// between its write and its mark, its lines would come twice.
		n, err := w.Flush(context.WithoutCancel(ctx))
		lines += n
		if err != nil {
			w.log.Error("cdr: not written; trying again", "err", err)
			return lines
		}
		if n < w.cfg.Batch {
			return lines
		}
	}
	return lines
}

// Flush claims one batch of owed CDRs, appends their lines to the day's
// file with one write, syncs it, and only then marks them written. It
// returns how many lines it wrote.
func (w *Writer) Flush(ctx context.Context) (int, error) {
	now := w.cfg.Now()
	owed, err := w.src.ClaimCDRs(ctx, now, w.cfg.ClaimFor, w.cfg.Batch)
	if err != nil || len(owed) == 0 {
		return 0, err
	}
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines) // a line each
	enc.SetEscapeHTML(false)       // "<" in an address stays readable
	ids := make([]int64, len(owed))
	for i, f := range owed {
		if err := enc.Encode(NewRecord(f)); err != nil {
			return 0, fmt.Errorf("cdr: %s/%d: %w", f.Message, f.Delivery, err)
		}
		ids[i] = f.Delivery
	}
	if err := w.append(now, lines.Bytes()); err != nil {
		return 0, err
	}
	if err := w.src.CDRsWritten(ctx, ids, w.cfg.Now()); err != nil {
		return len(owed), fmt.Errorf("cdr: %d lines synced to %s but not marked, so they will be written again: %w",
			len(owed), w.file.name, err)
	}
	return len(owed), nil
}

// append writes lines to the file of now's day, opening it (and closing
// the previous day's) when the day has changed. After a failure the file
// is closed, so that the next try opens it afresh.
func (w *Writer) append(now time.Time, lines []byte) error {
	if w.file != nil && w.file.name != fileName(now) {
		w.closeFile()
	}
	if w.file == nil {
		if err := w.open(now); err != nil {
			return err
		}
	}
	if err := w.file.append(lines); err != nil {
		w.closeFile()
		return fmt.Errorf("cdr: %w", err)
	}
	return nil
}

// open opens the file of now's day.
func (w *Writer) open(now time.Time) error {
	d, cut, err := openDay(w.cfg.Dir, now)
	if err != nil {
		return fmt.Errorf("cdr: %w", err)
	}
	if cut > 0 {
		w.log.Warn("cdr: cut a partial line off the end of the file (a crash while writing); its record comes again",
			"file", d.path, "bytes", cut)
	}
	w.file = d
	return nil
}

func (w *Writer) closeFile() {
	if w.file == nil {
		return
	}
	if err := w.file.close(); err != nil {
		w.log.Error("cdr: close", "err", err)
	}
	w.file = nil
}
