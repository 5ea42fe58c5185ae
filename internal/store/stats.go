package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	statesSQL     = `SELECT state, COUNT(*) FROM deliveries GROUP BY state`
	interfacesSQL = `SELECT origin_interface, COUNT(*) FROM messages GROUP BY origin_interface`
	receivedSQL   = `SELECT COUNT(*) FROM messages WHERE received >= $1`
)

// Stats counts recipients by state and messages by the interface they
// came by, and the messages received in the minute and the hour before
// now.
func (s *Store) Stats(ctx context.Context, now time.Time) (mms.Stats, error) {
	st := mms.Stats{Recipients: map[mms.State]int{}, Messages: map[mms.Interface]int{}}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	defer tx.Rollback()
	count := func(query string, add func(key string, n int)) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key string
			var n int
			if err := rows.Scan(&key, &n); err != nil {
				return err
			}
			add(key, n)
		}
		return rows.Err()
	}
	if err := count(statesSQL, func(k string, n int) { st.Recipients[mms.State(k)] = n }); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	if err := count(interfacesSQL, func(k string, n int) { st.Messages[mms.Interface(k)] = n }); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	for _, w := range []struct {
		since time.Duration
		n     *int
	}{{time.Minute, &st.LastMinute}, {time.Hour, &st.LastHour}} {
		if err := tx.QueryRowContext(ctx, receivedSQL, millis(now.Add(-w.since))).Scan(w.n); err != nil {
			return st, fmt.Errorf("store: stats: %w", err)
		}
	}
	return st, nil
}
