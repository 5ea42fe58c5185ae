package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// CancelStore ends the recipients of a message that have work left.
type CancelStore interface {
	Heads
	Cancel(ctx context.Context, id mms.MessageID, reason string, now time.Time) (int, error)
	CancelRecipient(ctx context.Context, id mms.MessageID, address, reason string, now time.Time) error
	Resend(ctx context.Context, id mms.MessageID, address, reason string, now time.Time) (mms.Route, error)
}

// Cancel withdraws message id for the account that submitted it: its
// recipients that have not had it yet are cancelled, are notified no more,
// and their links answer as for an expired message. A message of another
// account is mms.ErrNotFound, like one that does not exist, so that one
// VASP learns nothing of another's.
func (e *Engine) Cancel(ctx context.Context, account string, id mms.MessageID) (int, error) {
	m, err := e.st.Head(ctx, id)
	if errors.Is(err, mms.ErrNotFound) || err == nil && m.Origin.Account != account {
		return 0, fmt.Errorf("delivery: cancel %s: %w", id, mms.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("delivery: cancel %s: %w", id, err)
	}
	n, err := e.st.Cancel(ctx, id, "cancelled by "+account, time.Now())
	if err != nil {
		return 0, err
	}
	e.log.Info("message cancelled", "message", id, "account", account, "recipients", n)
	return n, nil
}

// CancelRecipient ends one recipient of message id that has not had it
// yet, at the operator's word. mms.ErrNotFound: no such recipient; a
// conflict (mms.ErrConflict) when its outcome is final already.
func (e *Engine) CancelRecipient(ctx context.Context, id mms.MessageID, address string) error {
	if err := e.st.CancelRecipient(ctx, id, address, "cancelled by the operator", time.Now()); err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	e.log.Info("recipient cancelled by the operator", "message", id, "to", address)
	return nil
}

// Resend tries one recipient of message id again at once, whatever its
// state, at the operator's word: a failed forward after the peer is fixed,
// a handset that lost its notification. mms.ErrNotFound: no such
// recipient; a conflict (mms.ErrConflict) when the message has expired or
// the recipient is being attempted right now.
func (e *Engine) Resend(ctx context.Context, id mms.MessageID, address string) error {
	rt, err := e.st.Resend(ctx, id, address, "resent by the operator", time.Now())
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	e.log.Info("recipient resent by the operator", "message", id, "to", address, "route", rt)
	e.wakeRoute(rt)
	return nil
}
