package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// What an operator changes from the admin API: accounts and routes in
// place, one recipient resent or cancelled, and the traffic counted.

func TestUpdateAccountAndRoute(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		created := t0
		if err := s.AddAccount(ctx, vasp.Account{Name: "acme", SenderMask: "+4477*", Created: created}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateAccount(ctx, vasp.Account{Name: "acme", SenderMask: "+4478*", MaxRate: 5, MaxConnections: 60, Created: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if a, err := s.Account(ctx, "acme"); err != nil || a.SenderMask != "+4478*" || a.MaxRate != 5 || a.MaxConnections != 60 || !a.Created.Equal(created) {
			t.Errorf("after update: %+v, %v; want the new mask, rate and connections, the old creation time", a, err)
		}
		if err := s.UpdateAccount(ctx, vasp.Account{Name: "nobody"}); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("UpdateAccount(unknown) = %v, want mms.ErrNotFound", err)
		}

		for _, r := range []route.Route{
			{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*"), Host: "mmsc.pl.example:25"},
			{Name: "rest", Kind: route.KindReject, Default: true},
		} {
			if err := s.AddRoute(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.UpdateRoute(ctx, route.Route{Name: "pl", Kind: route.KindMM4, Match: mms.ParseMasks("+48*,+49*"), Host: "mmsc.pl.example:2525"}); err != nil {
			t.Fatal(err)
		}
		table, err := s.Routes(ctx)
		if err != nil || len(table) != 2 || table[0].Host != "mmsc.pl.example:2525" || table[0].Match.String() != "+48*,+49*" {
			t.Errorf("after update: %+v, %v", table, err)
		}
		for _, tt := range []struct {
			r    route.Route
			want error
		}{
			{route.Route{Name: "pl", Kind: route.KindMM4, Default: true, Host: "x:25"}, mms.ErrConflict},
			{route.Route{Name: "nowhere", Kind: route.KindReject}, mms.ErrNotFound},
		} {
			if err := s.UpdateRoute(ctx, tt.r); !errors.Is(err, tt.want) {
				t.Errorf("UpdateRoute(%s) = %v, want %v", tt.r.Name, err, tt.want)
			}
		}
	})
}

func TestResendAndCancelRecipient(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, m := openAccepted(t, bk)
		ctx := context.Background()
		handset, page := m.Recipients[0].Address, m.Recipients[1].Address
		state := func(addr string) mms.Delivery {
			l, err := s.FindMessages(ctx, mms.MessageQuery{ID: m.ID, Limit: 1})
			if err != nil || len(l) != 1 {
				t.Fatalf("FindMessages: %v, %d", err, len(l))
			}
			for _, d := range l[0].Recipients {
				if d.Address == addr {
					return d
				}
			}
			t.Fatalf("no recipient %s", addr)
			return mms.Delivery{}
		}
		now := t0.Add(time.Minute)
		if err := s.CancelRecipient(ctx, m.ID, page, "cancelled by the operator", now); err != nil {
			t.Fatal(err)
		}
		if d := state(page); d.State != mms.StateCancelled || d.LastError != "cancelled by the operator" {
			t.Errorf("cancelled: %s %q", d.State, d.LastError)
		}
		if d := state(handset); d.State != mms.StateQueued {
			t.Errorf("the other recipient is %s, want queued", d.State)
		}
		for _, tt := range []struct {
			name string
			err  error
			want error
		}{
			{"cancel again", s.CancelRecipient(ctx, m.ID, page, "again", now), mms.ErrConflict},
			{"cancel a stranger", s.CancelRecipient(ctx, m.ID, "+10000000000", "x", now), mms.ErrNotFound},
			{"cancel in another message", s.CancelRecipient(ctx, "no-such", page, "x", now), mms.ErrNotFound},
		} {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
			}
		}

		rt, err := s.Resend(ctx, m.ID, page, "resent by the operator", now)
		if err != nil || rt != mms.RouteWAPPush {
			t.Fatalf("Resend = %s, %v", rt, err)
		}
		if d := state(page); d.State != mms.StateQueued || !d.NextAttempt.Equal(now) || d.Attempts != 0 || d.LastError != "resent by the operator" {
			t.Errorf("resent: %s due %v, %d attempts, %q", d.State, d.NextAttempt, d.Attempts, d.LastError)
		}
		if _, err := s.Resend(ctx, m.ID, page, "x", m.Expiry); !errors.Is(err, mms.ErrConflict) {
			t.Errorf("Resend after the expiry = %v, want a conflict", err)
		}
		if _, err := s.Resend(ctx, m.ID, "+10000000000", "x", now); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("Resend to a stranger = %v, want mms.ErrNotFound", err)
		}
	})
}

func TestStats(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		for _, off := range []time.Duration{-2 * time.Hour, -30 * time.Minute, -10 * time.Second} {
			if err := s.Accept(ctx, fullMessage(testID(), t0.Add(off))); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.Stats(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Recipients[mms.StateQueued] != 6 || st.Messages[mms.InterfaceMM4] != 3 || st.LastMinute != 1 || st.LastHour != 2 {
			t.Errorf("Stats = %+v; want 6 queued recipients, 3 MM4 messages, 1 in the last minute, 2 in the hour", st)
		}
	})
}
