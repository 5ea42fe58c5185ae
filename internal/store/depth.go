package store

import (
	"context"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// depthSQL counts the recipients with work left by state. The due index
// (state, next_attempt_at) answers it without reading a row, and final
// rows, which pile up until retention purges them, are not counted.
const depthSQL = `SELECT state, COUNT(*) FROM deliveries WHERE state IN (` + leasableStates + `) GROUP BY state`

// DeliveriesByState counts the recipients with work left (the delivery
// queue's depth), by state: every state with work has its entry, zero
// included, so that a gauge of it falls to zero rather than vanishing.
func (s *Store) DeliveriesByState(ctx context.Context) (map[mms.State]int, error) {
	rows, err := s.read.QueryContext(ctx, depthSQL)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries by state: %w", err)
	}
	defer rows.Close()
	counts := map[mms.State]int{mms.StateQueued: 0, mms.StateNotified: 0, mms.StateDeferred: 0, mms.StateSent: 0}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("store: deliveries by state: %w", err)
		}
		counts[mms.State(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries by state: %w", err)
	}
	return counts, nil
}
