package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

func TestRoutes(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		peer := route.Route{Name: "peer", Kind: route.KindMM4, Match: mms.ParseMasks("+48*,+49*"), Host: "mmsc.peer.example:25",
			Domain: "mms.peer.example", OriginatorSystem: "system-user@mms.example.net", Sender: "+4400/TYPE=PLMN@mms.example.net",
			SenderOverride: true, TLS: route.TLSRequired, User: "u", Password: "p", StripPrefix: "+", AddPrefix: "00", Created: t0}
		world := route.Route{Name: "world", Kind: route.KindReject, Default: true, Created: t0}
		for _, r := range []route.Route{peer, world} {
			if err := s.AddRoute(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddRoute(ctx, peer); !errors.Is(err, ErrExists) {
			t.Errorf("AddRoute(duplicate) = %v, want ErrExists", err)
		}
		if err := s.AddRoute(ctx, route.Route{Name: "other", Kind: route.KindReject, Default: true}); !errors.Is(err, ErrSecondDefault) {
			t.Errorf("AddRoute(second default) = %v, want ErrSecondDefault", err)
		}
		got, err := s.Routes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (route.Table{peer, world}); !reflect.DeepEqual(got, want) {
			t.Errorf("Routes:\n got %+v\nwant %+v", got, want)
		}
		if err := s.RemoveRoute(ctx, "peer"); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveRoute(ctx, "peer"); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("RemoveRoute(gone) = %v, want mms.ErrNotFound", err)
		}
		if got, _ := s.Routes(ctx); len(got) != 1 || got[0].Name != "world" {
			t.Errorf("after remove: %+v", got)
		}
	})
}
