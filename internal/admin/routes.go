package admin

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// routeInput is a route as POST creates it and PATCH changes it: fields
// left out keep their value (PATCH) or are empty (POST).
type routeInput struct {
	Name             *string `json:"name"`
	Kind             *string `json:"kind"`
	Match            *string `json:"match"`
	Default          *bool   `json:"default"`
	Host             *string `json:"host"`
	Domain           *string `json:"domain"`
	OriginatorSystem *string `json:"originator_system"`
	Sender           *string `json:"sender"`
	SenderOverride   *bool   `json:"sender_override"`
	TLS              *string `json:"tls"`
	User             *string `json:"user"`
	Password         *string `json:"password"`
	StripPrefix      *string `json:"strip_prefix"`
	AddPrefix        *string `json:"add_prefix"`
	VASP             *string `json:"vasp"`
}

// apply changes rt as in says and validates the result as `mmsc route
// add` does.
func (in routeInput) apply(rt *route.Route) error {
	if in.Kind != nil {
		rt.Kind = route.Kind(*in.Kind)
	}
	if in.Match != nil {
		rt.Match = mms.ParseMasks(*in.Match)
	}
	set(&rt.Default, in.Default)
	set(&rt.Host, in.Host)
	set(&rt.Domain, in.Domain)
	set(&rt.OriginatorSystem, in.OriginatorSystem)
	set(&rt.Sender, in.Sender)
	set(&rt.SenderOverride, in.SenderOverride)
	set(&rt.TLS, in.TLS)
	set(&rt.User, in.User)
	set(&rt.Password, in.Password)
	set(&rt.StripPrefix, in.StripPrefix)
	set(&rt.AddPrefix, in.AddPrefix)
	set(&rt.VASP, in.VASP)
	if err := rt.Validate(); err != nil {
		return invalid{err}
	}
	return nil
}

func (in routeInput) given() *string { return in.Name }

// routes is the collection of routes; an MM4 route is a peer.
func (a *Admin) routes() collection[route.Route, routeInput, Route] {
	return collection[route.Route, routeInput, Route]{
		a: a, noun: "route", path: "/api/v1/routes",
		all: func(ctx context.Context) ([]route.Route, error) { return a.b.Routes.Routes(ctx) },
		one: func(ctx context.Context, name string) (route.Route, error) {
			t, err := a.b.Routes.Routes(ctx)
			if err != nil {
				return route.Route{}, err
			}
			for _, rt := range t {
				if rt.Name == name {
					return rt, nil
				}
			}
			return route.Route{}, mms.ErrNotFound
		},
		add: a.b.Routes.AddRoute, update: a.b.Routes.UpdateRoute, remove: a.b.Routes.RemoveRoute,
		// An MM4 peer unless the body says otherwise, as with the CLI.
		fresh: func(name string, now time.Time) route.Route {
			return route.Route{Name: name, Kind: route.KindMM4, Created: now}
		},
		show: RouteOf,
	}
}
