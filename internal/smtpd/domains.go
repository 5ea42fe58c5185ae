package smtpd

import (
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// wapPushLabel in front of an accepted domain asks for Multimedia WAP Push.
const wapPushLabel = "wappush."

// domains is the set of recipient domains this MMSC serves.
type domains []string

func newDomains(names ...string) domains {
	var d domains
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			d = append(d, n)
		}
	}
	return d
}

// route tells how a recipient at domain is delivered, and false when the
// domain is not ours. domain must be lower case (mms.ParseAddress lowers it).
func (d domains) route(domain string) (mms.Route, bool) {
	route := mms.Route("")
	if rest, ok := strings.CutPrefix(domain, wapPushLabel); ok {
		domain, route = rest, mms.RouteWAPPush
	}
	for _, n := range d {
		if n == domain {
			return route, true
		}
	}
	return "", false
}
