package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	// A message goes once it is past retention and no recipient has work
	// left; its parts, deliveries, read reports and recipients' events go
	// with it (ON DELETE CASCADE). In batches, so that the writer is never held for long.
	purgeSQL = `DELETE FROM messages WHERE id IN (
	SELECT m.id FROM messages m
	WHERE m.received < $1 AND NOT EXISTS (
		SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.state IN (` + leasableStates + `))
	AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.state = '` + string(mms.OutboxQueued) + `')%s
	LIMIT 500)`

	// With every recipient final, a row without a CDR written owes one.
	keepOwedCDRsSQL = `
	AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.cdr_written = 0)`

	liveSegmentsSQL = `SELECT DISTINCT segment FROM messages`
)

// Purge deletes every message received before cutoff whose recipients are
// all final (and, with KeepOwedCDRs, have their CDRs written), then the content-log segments no remaining message uses.
// Segments modified within the last hour are kept whatever they hold (see
// sweepMargin).
func (s *Store) Purge(ctx context.Context, cutoff, now time.Time) (mms.Purged, error) {
	var p mms.Purged
	purge := fmt.Sprintf(purgeSQL, "")
	if s.keepOwed.Load() {
		purge = fmt.Sprintf(purgeSQL, keepOwedCDRsSQL)
	}
	for {
		var n int64
		err := s.w.do(ctx, 0, func(b *batch) error {
			res, err := b.exec(purge, millis(cutoff))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return p, fmt.Errorf("store: purge: %w", err)
		}
		p.Messages += int(n)
		if n == 0 {
			break
		}
	}
	segments, ok := s.content.(*contentLog)
	if !ok {
		return p, nil
	}
	rows, err := s.read.QueryContext(ctx, liveSegmentsSQL)
	if err != nil {
		return p, fmt.Errorf("store: purge: live segments: %w", err)
	}
	live := map[int64]bool{}
	for rows.Next() {
		var seg int64
		if err := rows.Scan(&seg); err != nil {
			rows.Close()
			return p, fmt.Errorf("store: purge: live segments: %w", err)
		}
		live[seg] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("store: purge: live segments: %w", err)
	}
	p.Segments, err = segments.sweep(live, now)
	if err != nil {
		return p, fmt.Errorf("store: purge: %w", err)
	}
	return p, nil
}
