package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	replaceTypeSQL = `UPDATE messages SET content_type = $2 WHERE id = $1`
	deletePartsSQL = `DELETE FROM parts WHERE message_id = $1`
)

// ReplaceContent gives message id new content (MM7 ReplaceReq): its type and
// parts, in one write. Recipients that fetch it from now on get the new
// parts; the message as first received (Raw) is kept. The parts are stored
// inline, never in the content log, whose segments are kept alive by the
// messages written into them: a later segment holding only replaced parts
// would not be. mms.ErrNotFound if there is no such message.
func (s *Store) ReplaceContent(ctx context.Context, id mms.MessageID, contentType string, parts []mms.Part) error {
	size := 0
	for _, p := range parts {
		size += len(p.Data)
	}
	err := s.w.do(ctx, size, func(b *batch) error {
		if err := b.execOne(replaceTypeSQL, string(id), contentType); err != nil {
			return err
		}
		if _, err := b.exec(deletePartsSQL, string(id)); err != nil {
			return err
		}
		for i, p := range parts {
			sum := sha256.Sum256(p.Data)
			if _, err := b.exec(insertPartSQL, string(id), int64(i), p.ContentType, p.Name, p.ContentLocation, p.ContentID,
				int64(len(p.Data)), hex.EncodeToString(sum[:]), notNull(p.Data), ""); err != nil {
				return fmt.Errorf("part %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: replace the content of %s: %w", id, err)
	}
	return nil
}
