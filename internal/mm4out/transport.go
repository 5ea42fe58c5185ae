package mm4out

import (
	"cmp"
	"context"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Transport is the client in the delivery engine's terms: a route or an
// account's report endpoint names the peer, and a refusal the peer means
// for good comes back marked mms.Permanent.
type Transport struct {
	c   *Client
	cfg TransportConfig
}

// TransportConfig names us towards peers.
type TransportConfig struct {
	HELO          string // our host name in EHLO
	MMSDomain     string // ours: senders and message IDs are written at it
	SystemAddress string // our X-Mms-Originator-System unless a route names another; "" = system-user@MMSDomain
	// Observer, if set, is told what came of every mail sent.
	Observer Observer
}

// Observer is told what came of each mail to a peer: the name it is
// configured by (the route's, or the account's for its report endpoint),
// the kind of mail (forward or report), and the error, nil if the peer
// took it; an error marked mms.Permanent is final.
type Observer interface {
	Sent(peer, kind string, err error)
}

// NewTransport sends through c.
func NewTransport(c *Client, cfg TransportConfig) *Transport {
	cfg.SystemAddress = systemAddress(cfg.SystemAddress, cfg.MMSDomain)
	return &Transport{c: c, cfg: cfg}
}

// systemAddress is our MM4 system address: as configured, else
// system-user at our domain.
func systemAddress(configured, domain string) string {
	return cmp.Or(configured, "system-user@"+cmp.Or(domain, "localhost"))
}

// SendReport sends an MM4 response or report to an account's report
// endpoint, with STARTTLS when offered.
func (t *Transport) SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error {
	return t.send(ctx, to.Name, "report", Peer{Addr: to.ReportTo, TLS: TLSOpportunistic, User: to.ReportUser,
		Password: to.ReportPassword, HELO: t.cfg.HELO}, Mail{From: from, To: rcpt, Data: data})
}

// send sends m to p, which is known as name, and tells the observer.
func (t *Transport) send(ctx context.Context, name, kind string, p Peer, m Mail) error {
	_, err := t.c.Send(ctx, p, m)
	if err != nil && !Temporary(err) {
		err = mms.Permanent(err)
	}
	if t.cfg.Observer != nil {
		t.cfg.Observer.Sent(name, kind, err)
	}
	return err
}
