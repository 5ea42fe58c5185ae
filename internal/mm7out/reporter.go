package mm7out

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Accounts finds the account a message came by; mms.ErrNotFound if none.
type Accounts interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// Reporter answers the VASPs whose messages came over MM7.
type Reporter struct {
	accounts Accounts
	client   *http.Client
	relayID  string // our MMSRelayServerID
	obs      Observer
}

// Observer is told what came of each request to a VASP: the account's
// name, the kind of request (deliver or report), and the error, nil if the
// VASP took it; an error marked mms.Permanent is final.
type Observer interface {
	Sent(vasp, kind string, err error)
}

// DefaultTimeout bounds one request to a VASP.
const DefaultTimeout = 30 * time.Second

// NewReporter returns the MM7 reporter; relayID names us in its requests
// ("" for none); obs, if not nil, is told of each.
func NewReporter(accounts Accounts, relayID string, obs Observer) *Reporter {
	return &Reporter{accounts: accounts, relayID: relayID, client: &http.Client{Timeout: DefaultTimeout}, obs: obs}
}

// mmStatus is the MMStatus of a DeliveryReportReq for a recipient's state.
var mmStatus = map[mms.State]string{
	mms.StateRetrieved: "Retrieved", mms.StateRejected: "Rejected", mms.StateExpired: "Expired",
	mms.StateForwarded: "Forwarded", mms.StateDeferred: "Deferred", mms.StateFailed: "Indeterminate",
}

// Reaches says whether the account m came by has an MM7 URL. Only reports
// go there: nothing is written at acceptance for MM7.
func (r *Reporter) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	_, err := r.endpoint(ctx, m.Origin.Account)
	return mms.Reachable(err)
}

// endpoint is the account name whose MM7 URL reports go to; an account
// without one is mms.ErrNoEndpoint.
func (r *Reporter) endpoint(ctx context.Context, name string) (vasp.Account, error) {
	acct, err := r.accounts.Account(ctx, name)
	if errors.Is(err, mms.ErrNotFound) || err == nil && acct.MM7URL == "" {
		return vasp.Account{}, fmt.Errorf("account %s has no MM7 URL: %w", name, mms.ErrNoEndpoint)
	}
	return acct, err
}

// Report sends the report mail stands for about m to the MM7 URL of the
// account m came by. An account without one is mms.ErrNoEndpoint.
func (r *Reporter) Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error {
	acct, err := r.endpoint(ctx, mail.VASP)
	if err != nil {
		return err
	}
	version := acct.MM7Version
	tid := mms.NewTransactionID()
	recipient := address(mms.HandsetAddress(mail.Report.About))
	sender := address(m.EnvelopeFrom)
	var body []byte
	switch mail.Report.Kind {
	case mms.ReportDelivery:
		status, ok := mmStatus[mms.State(mail.Report.Status)]
		if !ok {
			return mms.Permanent(fmt.Errorf("mm7out: no MMStatus for state %q", mail.Report.Status))
		}
		if status == "Deferred" && strings.HasPrefix(version, "5.") {
			status = "Indeterminate"
		}
		body = mm7soap.DeliveryReport{Version: version, TransactionID: tid, RelayServerID: r.relayID, MessageID: string(m.ID),
			Recipient: recipient, Sender: sender, Date: now, MMStatus: status}.XML()
	case mms.ReportRead:
		status := "Read"
		if mail.Report.Status == mms.ReadStatusDeleted {
			status = "Deleted"
		}
		body = mm7soap.ReadReply{Version: version, TransactionID: tid, RelayServerID: r.relayID, MessageID: string(m.ID),
			Recipient: recipient, Sender: sender, TimeStamp: now, MMStatus: status}.XML()
	default:
		return mms.Permanent(fmt.Errorf("mm7out: a VASP over MM7 is sent reports only, not %s", mail.What()))
	}
	return sent(r.obs, acct.Name, "report", post(ctx, r.client, acct, mm7soap.ContentType, body))
}

// sent tells obs, if any, what came of a request of kind to vasp, and
// returns err.
func sent(obs Observer, vasp, kind string, err error) error {
	if obs != nil {
		obs.Sent(vasp, kind, err)
	}
	return err
}

// address is an address as MM7 writes it.
func address(s string) mm7soap.Address {
	s = strings.TrimSuffix(s, "/TYPE=PLMN")
	switch {
	case strings.Contains(s, "@"):
		return mm7soap.Address{Kind: mm7soap.RFC2822Address, Value: s}
	case !strings.HasPrefix(s, "+") && len(s) <= 8:
		return mm7soap.Address{Kind: mm7soap.ShortCode, Value: s}
	}
	return mm7soap.Address{Kind: mm7soap.Number, Value: s}
}

// post sends body to the account's MM7 URL and judges the answer.
func post(ctx context.Context, client *http.Client, acct vasp.Account, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, acct.MM7URL, bytes.NewReader(body))
	if err != nil {
		return mms.Permanent(fmt.Errorf("mm7out: %w", err))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("SOAPAction", `""`)
	if acct.MM7User != "" {
		req.SetBasicAuth(acct.MM7User, acct.MM7Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("mm7out: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("mm7out: reading the answer: %w", err)
	}
	st, err := mm7soap.ReadStatus(answer)
	switch {
	case err != nil:
		// No MM7 status to go by: an HTTP error of the VASP's or its proxy's.
		return fmt.Errorf("mm7out: HTTP %s without an MM7 status: %w", resp.Status, err)
	case st.Code/1000 == 1:
		return nil
	case mm7soap.Temporary(st.Code):
		return fmt.Errorf("mm7out: the VASP answered %d %s %s", st.Code, st.Text, st.Details)
	}
	return mms.Permanent(fmt.Errorf("mm7out: the VASP answered %d %s %s", st.Code, st.Text, st.Details))
}
