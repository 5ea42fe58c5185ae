package accept

import (
	"context"
	"errors"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Replace gives message id new content for the account that submitted it
// (MM7 ReplaceReq): its recipients that fetch it from now on get the new
// parts; those that already have it keep what they got. A message of
// another account is mms.ErrNotFound, like one that does not exist.
func (r *Path) Replace(ctx context.Context, account string, id mms.MessageID, contentType string, parts []mms.Part) error {
	m, err := r.store.Head(ctx, id)
	if errors.Is(err, mms.ErrNotFound) || err == nil && m.Origin.Account != account {
		return fmt.Errorf("accept: replace %s: %w", id, mms.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("accept: replace %s: %w", id, err)
	}
	if len(parts) == 0 {
		return mms.Permanent(errors.New("accept: replace: no content"))
	}
	if err := r.store.ReplaceContent(ctx, id, contentType, parts); err != nil {
		return fmt.Errorf("accept: replace %s: %w", id, err)
	}
	r.cfg.Log.Info("accept: content replaced", "message", id, "account", account, "parts", len(parts))
	return nil
}
