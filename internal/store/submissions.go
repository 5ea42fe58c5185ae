package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// submittedSQL finds a handset's earlier submission by its Transaction-ID
// (index messages_submission, migration 14).
const submittedSQL = `SELECT id FROM messages
WHERE origin_interface = $1 AND envelope_from = $2 AND transaction_id = $3 AND received >= $4
ORDER BY received DESC LIMIT 1`

// Submitted finds the message that sender submitted over iface with
// Transaction-ID tid at or after since: a handset that timed out sends the
// same request again. mms.ErrNotFound if there is none.
func (s *Store) Submitted(ctx context.Context, iface mms.Interface, sender, tid string, since time.Time) (mms.MessageID, error) {
	var id string
	err := s.read.QueryRowContext(ctx, submittedSQL, string(iface), sender, tid, millis(since)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: submission %s by %s: %w", tid, sender, err)
	}
	return mms.MessageID(id), nil
}
