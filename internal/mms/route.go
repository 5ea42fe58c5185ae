package mms

import "strings"

// Route names how a recipient is delivered: one of the routes below, or a
// peer MMSC's route, "mm4:NAME". It is stored with the recipient, so its
// spelling is part of the store's format.
type Route string

// Routes of a recipient.
const (
	RouteMM1     Route = "mm1"
	RouteWAPPush Route = "wappush"
	// RouteWebLink: the page of Multimedia WAP Push, announced by a plain
	// text SMS with its link (NowSMS "Convert to SMS with Web Link"), for
	// numbers that cannot take MMS and MMS that was never fetched.
	RouteWebLink Route = "weblink"
	RouteNone    Route = "none" // no way to reach the recipient; it is failed at once
)

// Route patterns, for leasing and waking: a pattern ending in "*" stands
// for every route that starts with what comes before it.
const (
	AllRoutes Route = "*"
	AllPeers  Route = peerPrefix + "*"
)

const peerPrefix = "mm4:"

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
