package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// handover prepares an attempt to hand recipient d's copy of its message
// on over the route called name, of kind k (a peer MMSC, a VASP): the
// message and the route, or instead the outcome that ends or postpones the
// attempt — the message gone, expired, the route removed, or trouble
// reading them (retry, given the expiry when it is known).
func handover(ctx context.Context, msgs Deliverables, routes *route.Cache, d mms.Delivery, name string, k route.Kind,
	now time.Time, retry func(expiry time.Time, err error) mms.Outcome) (*mms.Message, route.Route, *mms.Outcome) {
	end := func(o mms.Outcome) (*mms.Message, route.Route, *mms.Outcome) { return nil, route.Route{}, &o }
	m, err := msgs.Deliverable(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return end(mms.Outcome{State: mms.StateFailed, Next: now, LastError: "message no longer stored"})
	}
	if err != nil {
		return end(retry(time.Time{}, err))
	}
	if !now.Before(m.Expiry) {
		return end(mms.Outcome{State: mms.StateExpired, Next: now, LastError: d.LastError})
	}
	table, err := routes.Table(ctx)
	if err != nil {
		return end(retry(m.Expiry, err))
	}
	r, ok := table.Named(name)
	if !ok || r.Kind != k {
		return end(mms.Outcome{State: mms.StateFailed, Next: now, LastError: "route " + name + " no longer exists"})
	}
	return m, r, nil
}
