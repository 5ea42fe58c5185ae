package delivery

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
)

// Observer is told what came of each delivery attempt, and how long a
// recipient waited for its first notification. Routes are told by kind:
// mm1, wappush and weblink by their names, a peer's as mm4 and a VASP's as
// mm7, never the peer or VASP itself.
type Observer interface {
	// Attempted: an attempt on a recipient of route ended in outcome: a
	// final state (retrieved, forwarded, failed, expired, ...), notified,
	// sent (to a peer, its answer awaited), retry (failed for now) or wait
	// (nothing to do yet: a deferred fetch, the expiry after the last
	// notification).
	Attempted(route, outcome string)
	// Notified: a recipient's first notification reached the SMSC after
	// waiting this long since its message could first go (accepted, or
	// due at the delivery time it asked for or its sender's pace allowed).
	Notified(route string, after time.Duration)
}

// deliveryHandler is what a queue of recipients runs.
type deliveryHandler = queue.Handler[mms.Delivery, mms.Outcome]

// observed tells obs what each attempt of h came to.
type observed struct {
	h   deliveryHandler
	obs Observer
}

// observe is h, telling obs of every attempt; h itself when obs is nil.
func observe(h deliveryHandler, obs Observer) deliveryHandler {
	if obs == nil {
		return h
	}
	return observed{h: h, obs: obs}
}

func (o observed) Attempt(ctx context.Context, d mms.Delivery) mms.Outcome {
	out := o.h.Attempt(ctx, d)
	o.obs.Attempted(routeKind(d.Route), outcomeOf(out))
	return out
}

// routeKind is r without the peer's or VASP's name, which would make a
// label of every route the operator adds.
func routeKind(r mms.Route) string {
	if r.IsPeer() {
		return "mm4"
	}
	if _, ok := r.VASP(); ok {
		return "mm7"
	}
	return string(r)
}

// outcomeOf names what an attempt came to (see Observer.Attempted).
func outcomeOf(o mms.Outcome) string {
	switch {
	case o.Notified:
		return "notified"
	case o.State.Final():
		return string(o.State)
	case isRetry(o):
		return "retry"
	case o.State == mms.StateSent:
		return "sent"
	}
	return "wait"
}
