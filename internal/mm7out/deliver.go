package mm7out

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Deliverer sends subscribers' messages to VASPs' short codes: a DeliverReq
// to the MM7 URL of the account an mm7 route names.
type Deliverer struct {
	accounts Accounts
	client   *http.Client
	relayID  string
	obs      Observer
}

// NewDeliverer returns the MM7 transport of mm7 routes; relayID names us
// in its requests ("" for none); obs, if not nil, is told of each.
func NewDeliverer(accounts Accounts, relayID string, obs Observer) *Deliverer {
	return &Deliverer{accounts: accounts, relayID: relayID, client: &http.Client{Timeout: DefaultTimeout}, obs: obs}
}

// Deliver sends recipient d's copy of m to the VASP of route r. A VASP
// without an MM7 URL, or a refusal it means for good, is marked
// mms.Permanent.
func (t *Deliverer) Deliver(ctx context.Context, r route.Route, m *mms.Message, d mms.Delivery) error {
	acct, err := t.accounts.Account(ctx, r.VASP)
	if errors.Is(err, mms.ErrNotFound) || err == nil && acct.MM7URL == "" {
		return mms.Permanent(fmt.Errorf("mm7out: VASP %s of route %s has no MM7 URL", r.VASP, r.Name))
	}
	if err != nil {
		return err
	}
	sender := address(mms.HandsetAddress(m.Originator()))
	ct, body, err := mm7soap.Deliver{Version: acct.MM7Version, TransactionID: mms.NewTransactionID(), RelayServerID: t.relayID,
		LinkedID: string(m.ID), Sender: sender, Recipients: []mm7soap.Address{{Kind: mm7soap.ShortCode, Value: d.Address}},
		TimeStamp: m.Received, Priority: m.Priority, Subject: m.Subject, ContentType: m.ContentType, Parts: m.Parts}.Request()
	if err != nil {
		return mms.Permanent(err)
	}
	return sent(t.obs, acct.Name, "deliver", post(ctx, t.client, acct, ct, body))
}
