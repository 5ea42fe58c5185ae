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
