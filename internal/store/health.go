package store

import (
	"context"
	"fmt"
)

// Writable reports whether the store takes writes now: a transaction goes
// through the writer, as an accepted message's would, and commits
// nothing.
func (s *Store) Writable(ctx context.Context) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		rows, err := b.query(`SELECT 1`)
		if err != nil {
			return err
		}
		return rows.Close()
	})
	if err != nil {
		return fmt.Errorf("store not writable: %w", err)
	}
	return nil
}
