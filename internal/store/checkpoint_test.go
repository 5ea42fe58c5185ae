package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// In WAL mode the database file only grows when a checkpoint copies pages
// into it, so its growth shows that the background checkpointer runs.
func TestBackgroundCheckpoint(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	db := filepath.Join(dir, dbFile)
	before, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	// Content goes to the content log; each write counts a page of WAL
	// for its rows, so this many writes ask for two checkpoints.
	next, _ := benchMessage()
	for i := 0; i < 2*checkpointEvery/4096; i++ {
		if err := s.Accept(context.Background(), next()); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		fi, err := os.Stat(db)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() >= before.Size()+64<<10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after %d writes: no checkpoint", fi.Size(), 2*checkpointEvery/4096)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
