package cdr

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// dayFile is the CDR file of one UTC day, open for appending.
type dayFile struct {
	name string // the file's name, which says its day
	path string
	f    *os.File
	size int64 // up to the end of the last line synced
}

// fileName is the name of the file for lines written at t.
func fileName(t time.Time) string { return "cdr-" + t.UTC().Format(time.DateOnly) + ".jsonl" }

// openDay opens (creating it if need be) the file for lines written at t
// in dir, and cuts off a line a crash left torn at its end (cut: its
// bytes).
func openDay(dir string, t time.Time) (d *dayFile, cut int64, err error) {
	name := fileName(t)
	path := filepath.Join(dir, name)
	_, err = os.Stat(path)
	created := errors.Is(err, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, 0, err // names the path
	}
	d = &dayFile{name: name, path: path, f: f}
	if created {
		// The file's name must be as durable as the lines synced into it.
		err = syncDir(dir)
	} else {
		cut, err = d.cutTornLine()
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return d, cut, nil
}

// cutTornLine cuts the file back to the end of its last whole line, so
// that the next line does not run on from a torn one. A torn line was
// never synced, so its record was never marked written and comes again.
func (d *dayFile) cutTornLine() (cut int64, err error) {
	info, err := d.f.Stat()
	if err != nil {
		return 0, err // names the path
	}
	if d.size, err = wholeLines(d.f, info.Size()); err != nil || d.size == info.Size() {
		return 0, err
	}
	if err := d.f.Truncate(d.size); err != nil {
		return 0, err
	}
	if err := d.f.Sync(); err != nil {
		return 0, err
	}
	return info.Size() - d.size, nil
}

// wholeLines is the length of f up to the end of its last whole line.
func wholeLines(f *os.File, size int64) (int64, error) {
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		start := max(0, end-int64(len(buf)))
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// append writes lines with one write and syncs them. If either fails, the
// file is cut back to the lines synced before, so that the next write
// does not run on from a torn line; what the failed write left on disk
// comes again anyway, since nothing of it is marked written.
func (d *dayFile) append(lines []byte) error {
	_, err := d.f.Write(lines)
	if err == nil {
		err = d.f.Sync()
	}
	if err != nil {
		if terr := d.f.Truncate(d.size); terr != nil {
			err = errors.Join(err, fmt.Errorf("cut back: %w", terr))
		}
		return fmt.Errorf("append: %w", err) // names the path
	}
	d.size += int64(len(lines))
	return nil
}

func (d *dayFile) close() error { return d.f.Close() }

// syncDir makes the entries of dir durable: a new file in it.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync() // a *PathError: names the directory
}
