package mm4

import (
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestForwardResponderOwed: TS 23.140 §8.4.2 — a RES only when asked for,
// Ok when a recipient could be routed, Error-sending-address-unresolved
// when none could, to the Originator-System, else Sender, else From.
func TestForwardResponderOwed(t *testing.T) {
	routed := mms.Recipient{Address: "+447700900001", Route: mms.RouteMM1, State: mms.StateQueued}
	failed := mms.Recipient{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed}
	tests := []struct {
		name   string
		m      mms.Message
		want   int // RES owed
		status string
		to     string
	}{
		{"not asked", mms.Message{From: "+447779998888/TYPE=PLMN@vasp.example", Recipients: []mms.Recipient{routed}}, 0, "", ""},
		{"one routed", mms.Message{AckRequest: true, OriginatorSystem: "system@vasp.example", Sender: "s@vasp.example",
			Recipients: []mms.Recipient{failed, routed}}, 1, StatusOk, "system@vasp.example"},
		{"none routed", mms.Message{AckRequest: true, Sender: "s@vasp.example", Recipients: []mms.Recipient{failed}},
			1, StatusErrorSendingAddressUnresolved, "s@vasp.example"},
		{"From as the last resort", mms.Message{AckRequest: true, From: "VASP <news@vasp.example>", Recipients: []mms.Recipient{routed}},
			1, StatusOk, "news@vasp.example"},
	}
	for _, tt := range tests {
		m := tt.m
		m.ID, m.Received, m.TransactionID = "01abc", time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), "tx1"
		owed, err := ForwardResponder{System: "system-user@mms.example.net"}.Owed(&m)
		if err != nil || len(owed) != tt.want {
			t.Errorf("%s: %d mails, %v; want %d", tt.name, len(owed), err, tt.want)
			continue
		}
		if tt.want == 0 {
			continue
		}
		p, err := ParseAny(owed[0].Data, m.Received)
		if err != nil || p.Response == nil {
			t.Fatalf("%s: the RES does not parse: %v", tt.name, err)
		}
		if r := p.Response; p.Type != TypeForwardRes || r.Status != tt.status || r.TransactionID != "tx1" || owed[0].To != tt.to ||
			owed[0].From != "system-user@mms.example.net" {
			t.Errorf("%s: %s %+v to %s from %s; want status %s to %s", tt.name, p.Type, r, owed[0].To, owed[0].From, tt.status, tt.to)
		}
	}
}
