package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// cancelSQL ends every recipient of a message that still has work, and
// takes its lease away, so that an attempt in flight cannot release it
// back into a live state.
const cancelSQL = `UPDATE deliveries SET state = '` + string(mms.StateCancelled) + `', last_error = $2, updated = $3,
	next_attempt_at = $3, lease_owner = '', lease_expires = 0
WHERE message_id = $1 AND state IN (` + leasableStates + `)`

// Cancel ends the recipients of message id that have not had it yet
// (MM7 CancelReq), with reason as their last error, and reports how many
// it ended. Recipients in a final state keep it.
func (s *Store) Cancel(ctx context.Context, id mms.MessageID, reason string, now time.Time) (int, error) {
	var n int64
	err := s.w.do(ctx, 0, func(b *batch) error {
		err := s.event(b, s.dialect.locked(cancelEventSQL), now, mms.EventCancelled, mms.StateCancelled, reason, string(id))
		if err != nil {
			return err
		}
		res, err := b.exec(cancelSQL, string(id), reason, millis(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: cancel %s: %w", id, err)
	}
	if n > 0 {
		s.wakeFinal()
	}
	return int(n), nil
}
