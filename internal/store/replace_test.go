package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestReplaceContent: new parts and type for a message, read back whole
// (on SQLite the old ones lived in the content log, the new ones inline),
// and still there after the content log is swept.
func TestReplaceContent(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		m := fullMessage(testID(), t0)
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
		parts := []mms.Part{{ContentType: "text/plain; charset=utf-8", ContentID: "<t>", Data: []byte("corrected")},
			{ContentType: "image/gif", ContentLocation: "new.gif", Data: bytes.Repeat([]byte{0x47}, 5000)}}
		if err := s.ReplaceContent(ctx, m.ID, "multipart/mixed", parts); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Purge(ctx, t0.Add(-time.Hour), t0.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Message(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContentType != "multipart/mixed" || len(got.Parts) != 2 || !bytes.Equal(got.Parts[1].Data, parts[1].Data) ||
			got.Parts[0].ContentID != "<t>" || !bytes.Equal(got.Raw, m.Raw) {
			t.Errorf("after the replace: %s, %d parts, raw kept %v", got.ContentType, len(got.Parts), bytes.Equal(got.Raw, m.Raw))
		}
		if err := s.ReplaceContent(ctx, "nothing", "text/plain", nil); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("replacing nothing: %v, want ErrNotFound", err)
		}
	})
}
