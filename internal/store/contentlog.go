package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// contentDir is the content log's directory inside the data directory.
const contentDir = "content"

// segmentLimit is the size after which the log starts a new segment file.
// Segments are the unit a later retention sweep deletes; 256 MB keeps that
// unit small while a busy node opens a new file only every few minutes.
const segmentLimit = 256 << 20

// sweepMargin is how old a segment file must be before the sweep may
// delete it: content is appended and synced before its rows commit, so a
// segment just written may hold bytes whose rows are not visible yet.
const sweepMargin = time.Hour

// contentLog keeps message bytes (the raw message and decoded parts) in
// append-only segment files beside the database, which holds only where
// each piece lies ("segment:offset:length").
//
// Why not BLOBs: in WAL mode SQLite writes every byte twice, once into the
// WAL and once more when it checkpoints, through page-sized writes. A
// message is ~55 KB of content and a few hundred bytes of rows, so the
// content dominated the disk's work. Here it is written once, in one
// sequential write per batch, and synced once per batch (see writer.commit).
//
// Crash safety comes from order: the writer syncs the appended bytes before
// it commits the rows that refer to them. A crash in between leaves bytes
// that nothing refers to, which are harmless; a crash never leaves a row
// that refers to bytes that are not on disk.
type contentLog struct {
	dir   string
	limit int64 // segmentLimit; smaller in tests

	// Append side, used by the writer goroutine only.
	lock      *os.File // its flock is held during each append
	f         *os.File // the segment appended to
	seg       int64
	abandoned int64  // highest segment this process gave up on
	buf       []byte // a batch's pieces, end to end

	mu      sync.Mutex // guards readers
	readers map[int64]*os.File
}

func openContentLog(dataDir string) (*contentLog, error) {
	dir := filepath.Join(dataDir, contentDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("content log: %w", err)
	}
	return &contentLog{dir: dir, limit: segmentLimit, readers: make(map[int64]*os.File)}, nil
}

func segmentName(seg int64) string { return fmt.Sprintf("%012d.seg", seg) }

// lastSegment is the highest segment number present, or 0 if none.
func (l *contentLog) lastSegment() (int64, error) {
	names, err := filepath.Glob(filepath.Join(l.dir, "*.seg"))
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	if len(names) == 0 {
		return 0, nil
	}
	return strconv.ParseInt(strings.TrimSuffix(filepath.Base(names[len(names)-1]), ".seg"), 10, 64)
}

// append writes pieces and syncs them (write, then its sync).
func (l *contentLog) append(pieces [][]byte) (refs []string, err error) {
	refs, sync, err := l.write(pieces)
	if err != nil {
		return nil, err
	}
	return refs, sync()
}

// write writes pieces one after another at the end of the current
// segment and returns a reference to each, and the sync that makes them
// durable. The writer runs the sync while it inserts the rows that point
// at them, and commits after it: the sync's wait costs the batch only
// what is left of it after the inserts.
//
// Several processes may append (a second server on the same data, a tool):
// each write holds an exclusive flock on the directory's LOCK file, finds
// the current segment and its size under it, and releases it once the
// bytes are written, so writes from different processes never overlap;
// an fsync covers the whole file, whoever wrote last. Within this process
// only the writer goroutine writes.
func (l *contentLog) write(pieces [][]byte) (refs []string, sync func() error, err error) {
	if err := l.lockAppend(); err != nil {
		return nil, nil, fmt.Errorf("content log: %w", err)
	}
	defer unlockFile(l.lock)
	off, err := l.current()
	if err != nil {
		return nil, nil, fmt.Errorf("content log: %w", err)
	}
	// One write for the whole batch: a copy in memory is cheaper than a
	// system call per piece.
	l.buf = l.buf[:0]
	refs = make([]string, len(pieces))
	for i, p := range pieces {
		refs[i] = fmt.Sprintf("%d:%d:%d", l.seg, off+int64(len(l.buf)), len(p))
		l.buf = append(l.buf, p...)
	}
	if _, err := l.f.WriteAt(l.buf, off); err != nil {
		l.abandon()
		return nil, nil, fmt.Errorf("content log: write: %w", err)
	}
	if cap(l.buf) > 16<<20 {
		l.buf = nil // do not keep a huge batch's buffer forever
	}
	f := l.f
	return refs, func() error {
		if err := f.Sync(); err != nil {
			if l.f == f {
				l.abandon()
			}
			return fmt.Errorf("content log: sync: %w", err)
		}
		return nil
	}, nil
}

func (l *contentLog) lockAppend() error {
	if l.lock == nil {
		lf, err := os.OpenFile(filepath.Join(l.dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o640)
		if err != nil {
			return err
		}
		l.lock = lf
	}
	return lockFile(l.lock)
}

// current opens the segment to append to and returns its end. Called with
// the flock held. A full segment, or one this process gave up on after a
// failure, is followed by a new one, whose name is synced into the
// directory before any row can point into it.
func (l *contentLog) current() (int64, error) {
	if l.f != nil && l.exists(l.seg+1) {
		l.f.Close() // another process moved on
		l.f = nil
	}
	if l.f == nil {
		seg, err := l.lastSegment()
		if err != nil {
			return 0, err
		}
		if seg == 0 || seg <= l.abandoned {
			seg = max(seg, l.abandoned) + 1
		}
		if l.f, err = os.OpenFile(filepath.Join(l.dir, segmentName(seg)), os.O_RDWR|os.O_CREATE, 0o640); err != nil {
			return 0, err
		}
		l.seg = seg
		if err := syncDir(l.dir); err != nil {
			l.abandon()
			return 0, err
		}
	}
	fi, err := l.f.Stat()
	if err != nil {
		l.abandon()
		return 0, err
	}
	if fi.Size() < l.limit {
		return fi.Size(), nil
	}
	l.f.Close()
	l.f, l.abandoned = nil, l.seg // full: start the next
	return l.current()
}

// exists reports whether segment seg is there: one stat per batch, where
// listing the directory would cost a read of every name in it.
func (l *contentLog) exists(seg int64) bool {
	_, err := os.Stat(filepath.Join(l.dir, segmentName(seg)))
	return err == nil
}

// abandon gives up the open segment: after a failed write or fsync the
// file's state is unknown, so no later append trusts it.
func (l *contentLog) abandon() {
	l.f.Close()
	l.f, l.abandoned = nil, l.seg
}

// read returns the bytes ref points at.
func (l *contentLog) read(ref string) ([]byte, error) {
	seg, off, n, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	f, err := l.reader(seg)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("content log: read %s: %w", ref, err)
	}
	return b, nil
}

func (l *contentLog) reader(seg int64) (*os.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f, ok := l.readers[seg]; ok {
		return f, nil
	}
	f, err := os.Open(filepath.Join(l.dir, segmentName(seg)))
	if err != nil {
		return nil, fmt.Errorf("content log: %w", err)
	}
	l.readers[seg] = f
	return f, nil
}

func parseRef(ref string) (seg, off, n int64, err error) {
	parts := strings.Split(ref, ":")
	if len(parts) == 3 {
		seg, err = strconv.ParseInt(parts[0], 10, 64)
		if err == nil {
			off, err = strconv.ParseInt(parts[1], 10, 64)
		}
		if err == nil {
			n, err = strconv.ParseInt(parts[2], 10, 64)
		}
		if err == nil && seg > 0 && off >= 0 && n >= 0 && n <= 1<<31 {
			return seg, off, n, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("content log: bad reference %q", ref)
}

func (l *contentLog) close() error {
	var errs []error
	if l.f != nil {
		errs = append(errs, l.f.Close())
	}
	if l.lock != nil {
		errs = append(errs, l.lock.Close()) // releases the flock
	}
	l.mu.Lock()
	for seg, f := range l.readers {
		errs = append(errs, f.Close())
		delete(l.readers, seg)
	}
	l.mu.Unlock()
	return errors.Join(errs...)
}

// syncDir makes the directory's entries (a new segment's name) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sweep deletes segments that hold nothing live: not in live, not the
// newest segment (appends may still go there), and not modified within
// sweepMargin of now. It holds the append lock, through its own open file
// description, so no process appends while it decides. It returns how many
// segments it deleted.
func (l *contentLog) sweep(live map[int64]bool, now time.Time) (int, error) {
	lf, err := os.OpenFile(filepath.Join(l.dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return 0, fmt.Errorf("content log: sweep: %w", err)
	}
	defer lf.Close() // releases the flock
	if err := lockFile(lf); err != nil {
		return 0, fmt.Errorf("content log: sweep: %w", err)
	}
	newest, err := l.lastSegment()
	if err != nil {
		return 0, fmt.Errorf("content log: sweep: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(l.dir, "*.seg"))
	if err != nil {
		return 0, fmt.Errorf("content log: sweep: %w", err)
	}
	removed := 0
	for _, name := range names {
		seg, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(name), ".seg"), 10, 64)
		if err != nil || seg >= newest || live[seg] {
			continue
		}
		fi, err := os.Stat(name)
		if err != nil || now.Sub(fi.ModTime()) < sweepMargin {
			continue
		}
		l.mu.Lock()
		if f, ok := l.readers[seg]; ok {
			f.Close()
			delete(l.readers, seg)
		}
		l.mu.Unlock()
		if err := os.Remove(name); err != nil {
			return removed, fmt.Errorf("content log: sweep: %w", err)
		}
		removed++
	}
	if removed > 0 {
		if err := syncDir(l.dir); err != nil {
			return removed, fmt.Errorf("content log: sweep: %w", err)
		}
	}
	return removed, nil
}
