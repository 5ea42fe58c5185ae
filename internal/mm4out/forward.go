package mm4out

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Forward sends recipient d's copy of m to the peer MMSC of route r as an
// MM4_forward.REQ (TS 23.140 §8.4.1): this recipient only, addressed as the
// peer wants numbers, from the sender at our domain (or the route's sender
// when the message's may not be used), asking for the RES that confirms
// it and for the reports the sender asked for. A request that cannot be
// written is a permanent error.
func (t *Transport) Forward(ctx context.Context, r route.Route, m *mms.Message, d mms.Delivery, now time.Time) error {
	from := t.sender(m, r)
	rcpt := r.PeerAddress(d.Address)
	data, err := mm4.BuildForward(m, mm4.Forward{
		From: from, To: []string{rcpt}, TransactionID: d.TransactionID,
		MessageID:        cmp.Or(m.MM4MessageID, string(m.ID)+"@"+t.cfg.MMSDomain),
		OriginatorSystem: cmp.Or(r.OriginatorSystem, t.cfg.SystemAddress),
		AckRequest:       true, DeliveryReport: m.DeliveryReport, ReadReply: m.ReadReply,
		ForwardCounter: m.ForwardCounter + 1, Date: now,
	})
	if err != nil {
		return mms.Permanent(fmt.Errorf("build MM4_forward.REQ: %w", err))
	}
	return t.send(ctx, r.Name, "forward", Peer{Addr: r.Host, TLS: TLSMode(r.TLS), User: r.User, Password: r.Password,
		HELO: t.cfg.HELO}, Mail{From: from, To: []string{rcpt}, Data: data})
}

// sender is the From towards the peer: the message's sender at our domain
// when it is a number, as it is otherwise, or the route's sender when the
// route has one and does not let the message's through.
func (t *Transport) sender(m *mms.Message, r route.Route) string {
	if r.Sender != "" && !r.SenderOverride {
		return r.Sender
	}
	addr := mms.HandsetAddress(m.Originator())
	if number, ok := strings.CutSuffix(addr, "/TYPE=PLMN"); ok {
		return number + "/TYPE=PLMN@" + t.cfg.MMSDomain
	}
	if addr == "" && r.Sender != "" {
		return r.Sender
	}
	return addr
}
