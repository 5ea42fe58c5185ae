package route

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Kind is what a route does with a recipient.
type Kind string

// Route kinds.
const (
	KindMM4     Kind = "mm4"     // forward to a peer MMSC over SMTP
	KindReject  Kind = "reject"  // refuse: the recipient fails at once
	KindMM1     Kind = "mm1"     // deliver here, to a handset, as if local
	KindWebLink Kind = "weblink" // a text SMS with a link to the message as a web page
	KindMM7     Kind = "mm7"     // a VASP's short codes: a DeliverReq to its MM7 URL
)

// TLS modes towards a peer.
const (
	TLSOpportunistic = ""         // STARTTLS when the peer offers it
	TLSRequired      = "required" // STARTTLS or nothing
	TLSImplicit      = "implicit" // TLS from the first byte
	TLSNone          = "none"
)

// Route is one routing rule.
type Route struct {
	Name    string
	Kind    Kind
	Match   mms.Masks // recipients this route takes
	Default bool      // takes recipients no route's masks match

	// MM4 peer.
	Host             string // host:port of the peer's SMTP server
	Domain           string // the peer's recipient domain, e.g. mms.mnc006.mcc260.gprs
	OriginatorSystem string // our address the peer sends responses and reports to; "" = system-user@<mms_domain>
	Sender           string // From used towards this peer when the message's may not be; "" = the message's
	SenderOverride   bool   // the message's own sender may be used (else Sender replaces it)
	TLS              string
	User, Password   string // AUTH towards the peer; the password is kept as given, to be sent
	StripPrefix      string // number normalisation: a number starting with it ...
	AddPrefix        string // ... loses it and gets this in front

	// MM7: the VASP account whose short codes the route takes.
	VASP string

	Created time.Time
}

// Validate reports what is wrong with r, all at once.
func (r Route) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if r.Name == "" || strings.ContainsAny(r.Name, " \t:,%_*") {
		add("route name %q: want a word of letters, digits, '-' or '.'", r.Name)
	}
	if len(r.Match) == 0 && !r.Default {
		add("route %s matches nothing: give -match masks or make it the default", r.Name)
	}
	switch r.Kind {
	case KindMM4:
		if _, port, err := net.SplitHostPort(r.Host); err != nil || port == "" {
			add("route %s: -host %q is not host:port", r.Name, r.Host)
		}
		if r.Domain == "" || strings.ContainsAny(r.Domain, "@ ") {
			add("route %s: -domain %q is not the peer's recipient domain", r.Name, r.Domain)
		}
		switch r.TLS {
		case TLSOpportunistic, TLSRequired, TLSImplicit, TLSNone:
		default:
			add("route %s: -tls %q: want required, implicit or none (or nothing for STARTTLS when offered)", r.Name, r.TLS)
		}
		if (r.User == "") != (r.Password == "") {
			add("route %s: -user and -password go together", r.Name)
		}
	case KindReject, KindMM1, KindWebLink, KindMM7:
		if r.Host != "" || r.Domain != "" {
			add("route %s: -host and -domain are for mm4 routes", r.Name)
		}
	default:
		add("route %s: kind %q: want mm4, reject, mm1, weblink or mm7", r.Name, r.Kind)
	}
	if (r.Kind == KindMM7) != (r.VASP != "") {
		add("route %s: an mm7 route, and only one, names its VASP with -vasp", r.Name)
	}
	return errors.Join(errs...)
}

// Recipient is how a recipient on this route is named for the delivery
// row: "mm4:NAME" for peers, the MM1 and web-link routes for their kinds.
func (r Route) Recipient() mms.Route {
	switch r.Kind {
	case KindMM1:
		return mms.RouteMM1
	case KindWebLink:
		return mms.RouteWebLink
	case KindMM7:
		return mms.VASPRoute(r.Name)
	}
	return mms.PeerRoute(r.Name)
}

// PeerNumber rewrites a number as the peer wants it: a number that starts
// with StripPrefix loses it and gets AddPrefix in front ("+44" → "0" turns
// +447700900123 into 07700900123; "+" → "" drops the plus). Numbers that do
// not start with StripPrefix are left alone.
func (r Route) PeerNumber(number string) string {
	if r.StripPrefix == "" && r.AddPrefix == "" {
		return number
	}
	if rest, ok := strings.CutPrefix(number, r.StripPrefix); ok {
		return r.AddPrefix + rest
	}
	return number
}

// PeerAddress is number as the peer's recipient address, in the form
// mm4.md §3.2 gives for GRX peers: "number/TYPE=PLMN@domain".
func (r Route) PeerAddress(number string) string {
	return r.PeerNumber(number) + "/TYPE=PLMN@" + r.Domain
}
