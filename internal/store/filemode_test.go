package store

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The database and its -wal and -shm files are the owner's alone, even in
// a data directory that already exists as 0755; the directory is warned of.
func TestDatabaseFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, logs := openLogged(t, dir)
	if err := s.Accept(context.Background(), fullMessage(testID(), t0)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mmsc.db", "mmsc.db-wal", "mmsc.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s mode %#o, want 0600", name, perm)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if perm := fi.Mode().Perm(); perm&0o007 != 0 {
			t.Errorf("%s mode %#o: others can read it", p, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "others can read this") || !strings.Contains(logs.String(), "0755") {
		t.Errorf("no warning about the 0755 data directory in:\n%s", logs.String())
	}
}

// A database file the operator made group-readable keeps its mode, and a
// private data directory is not warned of.
func TestDatabaseModeKept(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "mmsc.db")
	if err := os.WriteFile(path, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	_, logs := openLogged(t, dir)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v; want 0640 kept", fi.Mode().Perm(), err)
	}
	if strings.Contains(logs.String(), "others can read") {
		t.Errorf("warned of a private directory:\n%s", logs.String())
	}
}

// openLogged opens a store on dir and returns what it logs.
func openLogged(t *testing.T, dir string) (*Store, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	s, err := OpenSQLite(context.Background(), dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &logs
}
