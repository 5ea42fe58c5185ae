// Package route holds the operator's routes: which recipients go to which
// peer MMSC (MM4, 3GPP TS 23.140 §8.4), which are refused, and which are
// delivered here over MM1 although not local subscribers.
//
// Matching follows NowSMS's route masks: a route lists comma-separated
// patterns in which "*" matches any run of characters ("+44*,+234*").
// NowSMS takes the first route that matches; mmsc takes the most specific
// match instead — the longest text before the first "*" — so that the
// order routes were added in never decides, and "+4477*" beats "+44*"
// whatever was added first. One route may be the default, used when no
// mask matches. Local subscribers ([mm1] local_numbers) are decided before
// any route, by the caller.
package route
