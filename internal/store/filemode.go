package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// dbFileMode is the database's mode. It holds account and peer passwords'
// hashes, retrieval tokens and subscribers' messages, so it is the owner's
// alone. SQLite gives the -wal and -shm files it creates the mode of the
// database file, so creating that file first is enough for all three.
const dbFileMode = 0o600

// createPrivate creates path with dbFileMode if it does not exist. A file
// that exists keeps its mode: the operator may have chosen it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, dbFileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// warnIfShared logs a warning for a data directory, or a database file in
// it, that users other than the owner and its group can read: an existing
// directory keeps its mode, and a 0755 one lets any local user read what
// an older release created 0644.
func warnIfShared(log *slog.Logger, paths ...string) {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if perm := fi.Mode().Perm(); perm&0o007 != 0 {
			log.Warn("store: others can read this; chmod o-rwx it", "path", p, "mode", fmt.Sprintf("%#o", perm))
		}
	}
}
