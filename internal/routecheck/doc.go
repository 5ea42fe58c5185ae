// Package routecheck asks an operator's HTTP service how to route a
// recipient, the way NowSMS's MMSRoutingURL callback does: an HTTP GET with
// Type=MMSRouteCheck, From, VASPIN (the submitting account) and To, whose
// 200 answer contains "Route=NAME" somewhere in its body. NAME is a route,
// or "Direct" (deliver here) or "Reject".
//
// Departures: NowSMS reads the first "Route=" anywhere in the response;
// so does this package, but it stops the name at the first character that
// cannot be part of a route name (space, line end, "&", quote or "<"), so
// that an HTML or form-encoded answer works too. An answer other than 200,
// or a 200 without "Route=", is an error: the caller applies its fallback.
package routecheck
