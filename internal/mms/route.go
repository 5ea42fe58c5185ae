package mms

import "strings"

// Route names how a recipient is delivered. It is stored with the
// recipient, so its spelling is part of the store's format.
type Route string

// Routes. A recipient forwarded to a peer MMSC has the route "mm4:NAME"
// (PeerRoute), after the operator's route (package route) that chose the
// peer.
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

// Route patterns, for leasing and waking: a pattern ending in "*" stands
// for every route that starts with what comes before it.
const (
	AllRoutes Route = "*"
	AllPeers  Route = peerPrefix + "*"
)

const (
	peerPrefix = "mm4:"
	vaspPrefix = "mm7:"
)

// AllVASPs stands for every VASP route (see AllPeers).
const AllVASPs Route = vaspPrefix + "*"

// VASPRoute is the route of recipients delivered to the VASP that the
// routing table's route name reaches (its short codes, over MM7).
func VASPRoute(name string) Route { return Route(vaspPrefix + name) }

// VASP is the routing table's name for the VASP route r; false when r is
// not one.
func (r Route) VASP() (string, bool) {
	name, ok := strings.CutPrefix(string(r), vaspPrefix)
	return name, ok && name != ""
}

// PeerRoute is the route of recipients forwarded to the peer MMSC that the
// routing table's route name reaches.
func PeerRoute(name string) Route { return Route(peerPrefix + name) }

// Peer is the routing table's name for the peer MMSC of route r; false
// when r is not a peer route.
func (r Route) Peer() (string, bool) {
	name, ok := strings.CutPrefix(string(r), peerPrefix)
	return name, ok && name != ""
}

// IsPeer reports whether r forwards to a peer MMSC over MM4.
func (r Route) IsPeer() bool {
	_, ok := r.Peer()
	return ok
}
