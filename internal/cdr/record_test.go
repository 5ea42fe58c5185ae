package cdr

import (
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

func TestNewRecord(t *testing.T) {
	accepted := time.Date(2026, 11, 26, 4, 0, 1, 123e6, time.UTC)
	notified := accepted.Add(40 * time.Millisecond)
	ended := accepted.Add(time.Minute)
	for _, tt := range []struct {
		name string
		in   mms.FinalRecipient
		want Record
	}{
		{"a VASP's MM4 message fetched by a handset", mms.FinalRecipient{
			Delivery: 17, Message: "06h1c1j1mchqz96kx9faz78874",
			Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: "news"},
			From:   "+447779998888/TYPE=PLMN@mms.localhost", Size: 741, Accepted: accepted,
			To: "+447778889999", Route: mms.RouteMM1, State: mms.StateRetrieved, Attempts: 1, Notifications: 1,
			FirstNotified: notified, Ended: ended,
		}, Record{
			ID: "06h1c1j1mchqz96kx9faz78874/17", MessageID: "06h1c1j1mchqz96kx9faz78874", InterfaceIn: "mm4",
			Account: "news", From: "+447779998888", To: "+447778889999", InterfaceOut: "mm1", Route: "mm1",
			Size: 741, AcceptedAt: "2026-11-26T04:00:01.123Z", FirstNotifiedAt: "2026-11-26T04:00:01.163Z",
			FinalAt: "2026-11-26T04:01:01.123Z", State: "retrieved", Attempts: 1, Notifications: 1,
		}},
		{"an MM7 answer to a DeliverReq, forwarded to a peer", mms.FinalRecipient{
			Delivery: 3, Message: "m1", Origin: mms.Origin{Interface: mms.InterfaceMM7, Account: "vote"},
			From: "12345", Size: 2048, Service: mms.Service{ServiceCode: "gold", LinkedID: "m0"},
			Accepted: accepted, To: "+48601000001", Route: mms.PeerRoute("plus"), State: mms.StateForwarded,
			Attempts: 2, Ended: ended,
		}, Record{
			ID: "m1/3", MessageID: "m1", InterfaceIn: "mm7", Account: "vote", From: "12345", To: "+48601000001",
			InterfaceOut: "mm4", Route: "mm4:plus", Size: 2048, ServiceCode: "gold", LinkedID: "m0",
			AcceptedAt: "2026-11-26T04:00:01.123Z", FinalAt: "2026-11-26T04:01:01.123Z", State: "forwarded",
			Attempts: 2,
		}},
		{"a handset's message to a VASP's short code", mms.FinalRecipient{
			Delivery: 9, Message: "m2", Origin: mms.Origin{Interface: mms.InterfaceMM1}, From: "+447700900123",
			Accepted: accepted.In(time.FixedZone("CET", 3600)), To: "12345", Route: mms.VASPRoute("vote"),
			State: mms.StateRetrieved, Attempts: 1, Ended: ended,
		}, Record{
			ID: "m2/9", MessageID: "m2", InterfaceIn: "mm1", From: "+447700900123", To: "12345",
			InterfaceOut: "mm7", Route: "mm7:vote", AcceptedAt: "2026-11-26T04:00:01.123Z",
			FinalAt: "2026-11-26T04:01:01.123Z", State: "retrieved", Attempts: 1,
		}},
		{"an e-mail sender with no route", mms.FinalRecipient{
			Delivery: 1, Message: "m3", Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: "peer"},
			From: "Ann <ann@example.net>", Accepted: accepted, To: "+15550100", Route: mms.RouteNone,
			State: mms.StateFailed, Ended: accepted,
		}, Record{
			ID: "m3/1", MessageID: "m3", InterfaceIn: "mm4", Account: "peer", From: "ann@example.net",
			To: "+15550100", InterfaceOut: "none", Route: "none", AcceptedAt: "2026-11-26T04:00:01.123Z",
			FinalAt: "2026-11-26T04:00:01.123Z", State: "failed",
		}},
	} {
		if got := NewRecord(tt.in); got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}
