package mms

// State is where one recipient of a message stands.
type State string

// Recipient states. An accepted message's recipients start queued, or
// failed when nothing can reach them (RouteNone); the delivery paths move
// them on from there.
const (
	StateQueued    State = "queued"
	StateNotified  State = "notified"
	StateRetrieved State = "retrieved"
	StateDeferred  State = "deferred"
	StateRejected  State = "rejected"
	StateExpired   State = "expired"
	StateFailed    State = "failed"
	StateForwarded State = "forwarded"
	// StateSent: handed to a peer MMSC, whose MM4_forward.RES is awaited.
	StateSent State = "sent"
)

// Route names how a recipient is delivered.
type Route string

// Routes. A recipient forwarded to a peer MMSC has the route "mm4:NAME",
// after the operator's route (package route) that chose the peer.
const (
	// RouteMM1: a handset of ours, told by WAP Push and fetching over MM1;
	// local numbers, and those a route or the routing callback sends here.
	RouteMM1 Route = "mm1"
	// RouteWAPPush: Multimedia WAP Push, which the sender asks for by
	// addressing the recipient at "wappush." in front of our domain.
	RouteWAPPush Route = "wappush"
	// RouteWebLink: the page of Multimedia WAP Push, announced by a plain
	// text SMS with its link (NowSMS "Convert to SMS with Web Link"), for
	// numbers that cannot take MMS and MMS that was never fetched.
	RouteWebLink Route = "weblink"
	// RouteNone: no way to reach the recipient (no route, or a route or
	// the routing callback that rejects it); it is failed at once.
	RouteNone Route = "none"
)

// Final reports whether s ends a recipient's delivery: nothing more will be
// attempted and no handset answer changes it.
func (s State) Final() bool {
	switch s {
	case StateQueued, StateNotified, StateDeferred, StateSent:
		return false
	}
	return true
}
