package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	recipientSQL = `SELECT d.route, d.state, d.lease_owner, d.lease_expires, m.expiry
FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.message_id = $1 AND d.address = $2`

	// A resent recipient starts over: its attempts and notifications are
	// counted afresh, so that MM1's notification limit lets it be told
	// again.
	resendSQL = `UPDATE deliveries SET state = '` + string(mms.StateQueued) + `', next_attempt_at = $3, updated = $3,
	attempts = 0, notifications = 0, last_error = $4, lease_owner = '', lease_expires = 0
WHERE message_id = $1 AND address = $2`

	cancelRecipientSQL = `UPDATE deliveries SET state = '` + string(mms.StateCancelled) + `', last_error = $3, updated = $4,
	next_attempt_at = $4, lease_owner = '', lease_expires = 0
WHERE message_id = $1 AND address = $2 AND state IN (` + leasableStates + `)`
)

// Resend queues recipient address of message id to be tried again at
// once, whatever its state, with reason as its last error, and returns
// its route (to wake). mms.ErrNotFound: no such recipient; a conflict
// (mms.ErrConflict) when the message has expired, or a node is attempting
// the recipient right now.
func (s *Store) Resend(ctx context.Context, id mms.MessageID, address, reason string, now time.Time) (mms.Route, error) {
	var rt mms.Route
	err := s.w.do(ctx, 0, func(b *batch) error {
		rows, err := b.query(recipientSQL, string(id), address)
		if err != nil {
			return err
		}
		var (
			route, state, owner  string
			leaseExpires, expiry int64
		)
		found := rows.Next()
		if found {
			err = rows.Scan(&route, &state, &owner, &leaseExpires, &expiry)
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		switch {
		case err != nil:
			return err
		case !found:
			return mms.ErrNotFound
		case !now.Before(fromMillis(expiry)):
			return mms.Conflict("the message expired at " + fromMillis(expiry).UTC().Format(time.RFC3339))
		case owner != "" && now.Before(fromMillis(leaseExpires)):
			return mms.Conflict("a node is attempting this recipient now; try again when it is done")
		}
		rt = mms.Route(route)
		if err := s.event(b, s.dialect.locked(resendEventSQL), now, mms.EventResent, mms.StateQueued, reason, string(id), address); err != nil {
			return err
		}
		return b.execOne(resendSQL, string(id), address, millis(now), reason)
	})
	if err != nil {
		return "", fmt.Errorf("store: resend %s to %s: %w", id, address, err)
	}
	return rt, nil
}

// CancelRecipient ends recipient address of message id, if it has not had
// the message yet, with reason as its last error. mms.ErrNotFound: no such
// recipient; a conflict (mms.ErrConflict) when its outcome is final.
func (s *Store) CancelRecipient(ctx context.Context, id mms.MessageID, address, reason string, now time.Time) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		err := s.event(b, s.dialect.locked(cancelRecipientEventSQL), now, mms.EventCancelled, mms.StateCancelled, reason,
			string(id), address)
		if err != nil {
			return err
		}
		res, err := b.exec(cancelRecipientSQL, string(id), address, reason, millis(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		rows, err := b.query(recipientSQL, string(id), address)
		if err != nil {
			return err
		}
		found := rows.Next()
		var route, state, owner string
		var leaseExpires, expiry int64
		if found {
			err = rows.Scan(&route, &state, &owner, &leaseExpires, &expiry)
		}
		rows.Close()
		switch {
		case err != nil:
			return err
		case !found:
			return mms.ErrNotFound
		}
		return mms.Conflict("the recipient is already " + state)
	})
	if err != nil {
		return fmt.Errorf("store: cancel %s to %s: %w", id, address, err)
	}
	return nil
}
