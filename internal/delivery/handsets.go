package delivery

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// HandsetStore records what handsets say about their recipients.
type HandsetStore interface {
	Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error)
	ReadReport(ctx context.Context, r mms.ReadReport, from mms.Readers, now time.Time) (bool, error)
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

// handsetReaders: a handset's read report counts when it comes from a
// recipient of ours, fetching over MM1 or sent a web link instead, whole
// number for whole number, as the gateway names subscribers.
var handsetReaders = mms.Readers{Routes: []mms.Route{mms.RouteMM1, mms.RouteWebLink}, Match: mms.WholeNumber}

// ReadReport records r, heard at now, once per recipient; the originator
// hears of it when it asked. It says whether r was the recipient's first.
// mms.ErrNotFound: no such message; mms.ErrNotRecipient: the reader is not
// one of its handset recipients.
func (h *Handsets) ReadReport(ctx context.Context, r mms.ReadReport, now time.Time) (bool, error) {
	return h.st.ReadReport(ctx, r, handsetReaders, now)
}
