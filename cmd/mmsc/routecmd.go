package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store"
)

func cmdRoute(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError{"route needs a verb: add, list, remove"}
	}
	switch args[0] {
	case "add":
		return routeAdd(ctx, e, args[1:])
	case "list":
		return routeList(ctx, e, args[1:])
	case "remove":
		return routeRemove(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown route verb %q (want add, list, remove)", args[0])}
}

func routeAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "route add")
	config := fs.String("config", "", "configuration file")
	kind := fs.String("kind", "mm4", "mm4 (a peer MMSC), reject, mm1 (deliver here), weblink (a text SMS with a link to a web page) or mm7 (a VASP's short codes)")
	match := fs.String("match", "", "recipient masks, comma-separated, * as a wildcard: +44*,+234*")
	def := fs.Bool("default", false, "take every recipient no route's masks match")
	host := fs.String("host", "", "mm4: the peer's SMTP server, host:port")
	domain := fs.String("domain", "", "mm4: the peer's recipient domain, e.g. mms.mnc006.mcc260.gprs")
	origin := fs.String("originator-system", "", "mm4: our address for the peer's responses and reports (default system-user@<mms_domain>)")
	sender := fs.String("sender", "", "mm4: From towards the peer when the message's may not be used")
	override := fs.Bool("sender-override", false, "mm4: the message's own sender may be used")
	tlsMode := fs.String("tls", "", "mm4: required, implicit or none (default: STARTTLS when offered)")
	user := fs.String("user", "", "mm4: AUTH user towards the peer")
	password := fs.String("password", "", "mm4: AUTH password, or - to read it from stdin")
	strip := fs.String("strip-prefix", "", "mm4: numbers starting with this lose it ...")
	add := fs.String("add-prefix", "", "mm4: ... and get this in front")
	vaspName := fs.String("vasp", "", "mm7: the VASP account that takes the short codes of -match")
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	pw, err := readPassword(e, *password)
	if err != nil {
		return err
	}
	r := route.Route{
		Name: name, Kind: route.Kind(*kind), Match: mms.ParseMasks(*match), Default: *def,
		Host: *host, Domain: *domain, OriginatorSystem: *origin, Sender: *sender, SenderOverride: *override,
		TLS: *tlsMode, User: *user, Password: pw, StripPrefix: *strip, AddPrefix: *add, VASP: *vaspName, Created: time.Now().UTC(),
	}
	if err := r.Validate(); err != nil {
		return usageError{err.Error()}
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddRoute(ctx, r); err != nil {
		return fmt.Errorf("add route %q: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "added route %s: %s\n", name, describe(r))
	return nil
}

// describe is a route in one line, for the operator who just added it.
func describe(r route.Route) string {
	what := map[route.Kind]string{
		route.KindMM4:     "forward over MM4 to " + r.Host + " (" + r.Domain + ")",
		route.KindReject:  "refuse",
		route.KindMM1:     "deliver here over MM1",
		route.KindWebLink: "send a text SMS with a link to the message's web page",
	}[r.Kind]
	match := r.Match.String()
	if r.Default {
		match += " and every number no other route matches"
	}
	return fmt.Sprintf("%s %s", what, match)
}

func routeList(ctx context.Context, e env, args []string) error {
	lf := newListFlags(e, "route list", "route")
	if err := lf.parse(args); err != nil {
		return err
	}
	return list(ctx, e, lf, listing[route.Route]{
		find: func(ctx context.Context, st *store.Store) ([]route.Route, error) {
			return st.Routes(ctx)
		},
		header: []string{"NAME", "KIND", "MATCH", "HOST", "DOMAIN"},
		row: func(r route.Route) []string {
			match := dash(r.Match.String())
			if r.Default {
				match += " (default)"
			}
			return []string{r.Name, string(r.Kind), match, dash(r.Host), dash(r.Domain)}
		},
		json: func(_ context.Context, _ *store.Store, r route.Route) (any, error) {
			return admin.RouteOf(r), nil
		},
	})
}

func routeRemove(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "route remove")
	config := fs.String("config", "", "configuration file")
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RemoveRoute(ctx, name); err != nil {
		return fmt.Errorf("remove route %q: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "removed route %s\n", name)
	return nil
}
