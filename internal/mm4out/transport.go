package mm4out

import (
	"context"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Transport is the client in the delivery engine's terms: a route or an
// account's report endpoint names the peer, and a refusal the peer means
// for good comes back marked mms.Permanent.
type Transport struct {
	c    *Client
	helo string
}

// NewTransport sends through c, introducing itself as helo.
func NewTransport(c *Client, helo string) *Transport { return &Transport{c: c, helo: helo} }

// Send sends an MM4 mail to the peer MMSC of route r.
func (t *Transport) Send(ctx context.Context, r route.Route, from string, to []string, data []byte) error {
	return t.send(ctx, Peer{Addr: r.Host, TLS: TLSMode(r.TLS), User: r.User, Password: r.Password, HELO: t.helo},
		Mail{From: from, To: to, Data: data})
}

// SendReport sends an MM4 response or report to an account's report
// endpoint, with STARTTLS when offered.
func (t *Transport) SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error {
	return t.send(ctx, Peer{Addr: to.ReportTo, TLS: TLSOpportunistic, User: to.ReportUser, Password: to.ReportPassword,
		HELO: t.helo}, Mail{From: from, To: rcpt, Data: data})
}

func (t *Transport) send(ctx context.Context, p Peer, m Mail) error {
	_, err := t.c.Send(ctx, p, m)
	if err != nil && !Temporary(err) {
		return mms.Permanent(err)
	}
	return err
}
