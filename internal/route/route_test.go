package route

import (
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
)

func TestPick(t *testing.T) {
	table := Table{
		{Name: "uk", Kind: KindMM4, Match: mms.ParseMasks("+44*")},
		{Name: "uk-mobile", Kind: KindMM4, Match: mms.ParseMasks("+4477*,+4478*")},
		{Name: "premium", Kind: KindReject, Match: mms.ParseMasks("+449*")},
		{Name: "mvno", Kind: KindMM1, Match: mms.ParseMasks("+447700900*")},
		{Name: "world", Kind: KindMM4, Default: true},
	}
	tests := []struct{ number, want string }{
		{"+441234567890", "uk"},
		{"+447712345678", "uk-mobile"}, // more specific than +44*
		{"+447700900123", "mvno"},      // more specific again
		{"+449012345678", "premium"},   // a reject route matches like any other
		{"+15550100", "world"},         // no mask: the default
		{"+4477", "uk-mobile"},         // "*" matches nothing too
	}
	for _, tt := range tests {
		r, ok := table.Pick(tt.number)
		if !ok || r.Name != tt.want {
			t.Errorf("Pick(%s) = %q, %v; want %q", tt.number, r.Name, ok, tt.want)
		}
	}
	if r, ok := table[:4].Pick("+15550100"); ok {
		t.Errorf("without a default, Pick(+15550100) = %q; want none", r.Name)
	}
	// Order never decides: the same table reversed picks the same routes.
	rev := Table{table[4], table[3], table[2], table[1], table[0]}
	for _, tt := range tests {
		if r, _ := rev.Pick(tt.number); r.Name != tt.want {
			t.Errorf("reversed table: Pick(%s) = %q, want %q", tt.number, r.Name, tt.want)
		}
	}
}

func TestPeerNumber(t *testing.T) {
	tests := []struct {
		strip, add, in, want string
	}{
		{"", "", "+447700900123", "+447700900123"},
		{"+", "", "+447700900123", "447700900123"},   // US aggregators: no plus
		{"+44", "0", "+447700900123", "07700900123"}, // national form
		{"+44", "0", "+33612345678", "+33612345678"}, // not this prefix: unchanged
		{"", "+", "447700900123", "+447700900123"},   // add only
	}
	for _, tt := range tests {
		r := Route{StripPrefix: tt.strip, AddPrefix: tt.add, Domain: "mms.example.org"}
		if got := r.PeerNumber(tt.in); got != tt.want {
			t.Errorf("strip %q add %q: PeerNumber(%s) = %s, want %s", tt.strip, tt.add, tt.in, got, tt.want)
		}
	}
	r := Route{StripPrefix: "+", Domain: "mms.mnc006.mcc260.gprs"}
	if got := r.PeerAddress("+48600100200"); got != "48600100200/TYPE=PLMN@mms.mnc006.mcc260.gprs" {
		t.Errorf("PeerAddress = %s", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Route{Name: "peer", Kind: KindMM4, Match: mms.ParseMasks("+48*"), Host: "mmsc.peer.example:25", Domain: "mms.peer.example"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid route: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Route)
		want string
	}{
		{"no name", func(r *Route) { r.Name = "" }, "route name"},
		{"colon in name", func(r *Route) { r.Name = "a:b" }, "route name"},
		{"LIKE wildcard in name", func(r *Route) { r.Name = "a_b" }, "route name"},
		{"matches nothing", func(r *Route) { r.Match = nil }, "matches nothing"},
		{"no port", func(r *Route) { r.Host = "mmsc.peer.example" }, "host:port"},
		{"no domain", func(r *Route) { r.Domain = "" }, "recipient domain"},
		{"bad tls", func(r *Route) { r.TLS = "maybe" }, "-tls"},
		{"user without password", func(r *Route) { r.User = "u" }, "go together"},
		{"unknown kind", func(r *Route) { r.Kind = "smtp" }, "kind"},
		{"reject with host", func(r *Route) { r.Kind = KindReject }, "for mm4 routes"},
		{"weblink with host", func(r *Route) { r.Kind = KindWebLink }, "for mm4 routes"},
		{"mm7 without its VASP", func(r *Route) { r.Kind, r.Host, r.Domain = KindMM7, "", "" }, "-vasp"},
		{"mm4 with a VASP", func(r *Route) { r.VASP = "news" }, "-vasp"},
	}
	vote := Route{Name: "vote", Kind: KindMM7, Match: mms.ParseMasks("12345"), VASP: "news"}
	if err := vote.Validate(); err != nil {
		t.Errorf("valid mm7 route: %v", err)
	}
	for _, tt := range tests {
		r := ok
		tt.edit(&r)
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
	for kind, want := range map[Kind]mms.Route{KindMM4: "mm4:peer", KindMM1: mms.RouteMM1, KindWebLink: mms.RouteWebLink, KindMM7: "mm7:peer"} {
		r := ok
		r.Kind = kind
		if got := r.Recipient(); got != want {
			t.Errorf("kind %s: Recipient = %s, want %s", kind, got, want)
		}
	}
	web := Route{Name: "landlines", Kind: KindWebLink, Match: mms.ParseMasks("+44207*")}
	if err := web.Validate(); err != nil {
		t.Errorf("a weblink route: %v", err)
	}
}
