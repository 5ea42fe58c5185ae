package delivery

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// HandsetStore records what handsets say about their recipients.
type HandsetStore interface {
	Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error)
	ReadReport(ctx context.Context, id mms.MessageID, address, status string, at, now time.Time) error
}

// Handsets records what recipients' handsets (and the page views that
// stand for them) say: fetches, notify-responses, acknowledgements and read
// reports. The edges that hear them (mm1, web) call it, so that the engine
// decides what an answer does to a recipient.
type Handsets struct{ st HandsetStore }

// NewHandsets returns the recorder of handset answers over st.
func NewHandsets(st HandsetStore) *Handsets { return &Handsets{st: st} }

// Answer moves recipient id to state, with reason for its record, as a
// handset answered at now. The row is due at once: for a recipient left
// with work (deferred) the engine then schedules what remains, its
// conversion to a web link or its expiry, which the edge does not know; a
// final one is never due again. It reports whether the state changed: a
// final state is not left, whatever a late answer says.
func (h *Handsets) Answer(ctx context.Context, id int64, state mms.State, reason string, now time.Time) (bool, error) {
	return h.st.Answer(ctx, id, state, now, reason, now)
}

// ReadReport records that reader read (or deleted unread) message id at
// at; the originator hears of it when it asked.
func (h *Handsets) ReadReport(ctx context.Context, id mms.MessageID, reader, status string, at, now time.Time) error {
	return h.st.ReadReport(ctx, id, reader, status, at, now)
}
