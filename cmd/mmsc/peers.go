package main

import (
	"context"
	"log/slog"

	"github.com/mmsc-project/mmsc/internal/mm4out"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// peers gives relay the MM4 client in relay's terms: a route names the
// peer, and a refusal the peer means for good comes back mms.Permanent.
type peers struct {
	c    *mm4out.Client
	helo string
}

func newPeers(helo string, log *slog.Logger) *peers {
	return &peers{c: mm4out.New(mm4out.Config{}, log), helo: helo}
}

func (p *peers) Send(ctx context.Context, r route.Route, from string, to []string, data []byte) error {
	tls := mm4out.TLSMode(r.TLS)
	if r.TLS == route.TLSOpportunistic {
		tls = mm4out.TLSOpportunistic
	}
	_, err := p.c.Send(ctx, mm4out.Peer{Addr: r.Host, TLS: tls, User: r.User, Password: r.Password, HELO: p.helo},
		mm4out.Mail{From: from, To: to, Data: data})
	if err != nil && !mm4out.Temporary(err) {
		return mms.Permanent(err)
	}
	return err
}

func (p *peers) close() { p.c.Close() }

// SendReport sends an MM4 response or report to an account's report
// endpoint, with STARTTLS when offered.
func (p *peers) SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error {
	_, err := p.c.Send(ctx, mm4out.Peer{Addr: to.ReportTo, TLS: mm4out.TLSOpportunistic, User: to.ReportUser,
		Password: to.ReportPassword, HELO: p.helo}, mm4out.Mail{From: from, To: rcpt, Data: data})
	if err != nil && !mm4out.Temporary(err) {
		return mms.Permanent(err)
	}
	return err
}
