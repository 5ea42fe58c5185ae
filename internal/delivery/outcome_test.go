package delivery

import (
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Routes are told by kind, never by the peer's or VASP's name.
func TestRouteKind(t *testing.T) {
	for r, want := range map[mms.Route]string{
		mms.RouteMM1: "mm1", mms.RouteWAPPush: "wappush", mms.RouteWebLink: "weblink",
		mms.PeerRoute("operator-b"): "mm4", mms.VASPRoute("votes"): "mm7",
	} {
		if got := routeKind(r); got != want {
			t.Errorf("routeKind(%q) = %q, want %q", r, got, want)
		}
	}
}

// What each kind of outcome is told as.
func TestOutcomeOf(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		o    mms.Outcome
		want string
	}{
		{mms.Outcome{State: mms.StateNotified, Notified: true}, "notified"},
		{mms.Outcome{State: mms.StateNotified, Notified: true, Route: mms.RouteWebLink}, "notified"},
		{mms.Outcome{State: mms.StateSent}, "sent"},
		{mms.Outcome{State: mms.StateForwarded}, "forwarded"},
		{mms.Outcome{State: mms.StateRetrieved}, "retrieved"},
		{mms.Outcome{State: mms.StateFailed, LastError: "5.1.1 no such user"}, "failed"},
		{mms.Outcome{State: mms.StateExpired}, "expired"},
		{retryLater(mms.StateQueued, 0, time.Second, time.Minute, now, time.Time{}, errors.New("link down")), "retry"},
		{retryLater(mms.StateNotified, 2, time.Second, time.Minute, now, time.Time{}, errors.New("link down")), "retry"},
		{mms.Outcome{State: mms.StateDeferred}, "wait"},
		{mms.Outcome{State: mms.StateNotified}, "wait"},
	} {
		if got := outcomeOf(tt.o); got != tt.want {
			t.Errorf("outcomeOf(%+v) = %q, want %q", tt.o, got, tt.want)
		}
	}
}
