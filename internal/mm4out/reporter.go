package mm4out

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Accounts finds the account a message came by.
type Accounts interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// reportSender sends a mail to an account's report endpoint (Transport).
type reportSender interface {
	SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error
}

// ReporterConfig names us in the reports the Reporter writes.
type ReporterConfig struct {
	MMSDomain     string // recipients are written at it
	SystemAddress string // the reports' sender and X-Mms-Originator-System; "" = system-user@MMSDomain
}

// Reporter answers the originators of messages that came over MM4 (VASPs
// and peer MMSCs): it sends what they are owed to their account's report
// endpoint, writing MM4 delivery and read reports (TS 23.140 §8.4.3,
// §8.4.4) when they are due.
type Reporter struct {
	send     reportSender
	accounts Accounts
	cfg      ReporterConfig
}

// NewReporter returns the MM4 reporter that sends through send.
func NewReporter(send reportSender, accounts Accounts, cfg ReporterConfig) *Reporter {
	cfg.SystemAddress = systemAddress(cfg.SystemAddress, cfg.MMSDomain)
	return &Reporter{send: send, accounts: accounts, cfg: cfg}
}

// Report sends mail, owed to the originator of m, to the report endpoint
// of the account m came by. An account without one is mms.ErrNoEndpoint.
func (r *Reporter) Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error {
	acct, err := r.endpoint(ctx, mail.VASP)
	if err != nil {
		return err
	}
	if mail.Report.Kind != "" && len(mail.Data) == 0 {
		if mail, err = r.report(m, mail, now); err != nil {
			return err
		}
	}
	return r.send.SendReport(ctx, acct, mail.From, []string{mail.To}, mail.Data)
}

// Reaches says whether the account m came by has a report endpoint, for
// responses and reports alike: the accept path writes nothing it could
// not send.
func (r *Reporter) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	_, err := r.endpoint(ctx, m.Origin.Account)
	return mms.Reachable(err)
}

// endpoint is the account name whose report endpoint answers go to; an
// account without one is mms.ErrNoEndpoint.
func (r *Reporter) endpoint(ctx context.Context, name string) (vasp.Account, error) {
	acct, err := r.accounts.Account(ctx, name)
	if errors.Is(err, mms.ErrNotFound) || (err == nil && acct.ReportTo == "") {
		return vasp.Account{}, fmt.Errorf("account %s has no report endpoint: %w", name, mms.ErrNoEndpoint)
	}
	return acct, err
}

// mmStatus is the X-Mms-MM-Status-Code that reports a recipient's state
// (TS 23.140 §8.4.3). A failure the MMSC cannot name is Indeterminate.
var mmStatus = map[mms.State]string{
	mms.StateRetrieved: mm4.MMStatusRetrieved, mms.StateRejected: mm4.MMStatusRejected,
	mms.StateExpired: mm4.MMStatusExpired, mms.StateDeferred: mm4.MMStatusDeferred,
	mms.StateForwarded: mm4.MMStatusForwarded, mms.StateFailed: mm4.MMStatusIndeterminate,
}

// report writes the delivery or read report a report row stands for: from
// the recipient, to the original sender (mm4.md §8), about the message by
// its X-Mms-Message-ID.
func (r *Reporter) report(m *mms.Message, mail mms.OutboxMail, now time.Time) (mms.OutboxMail, error) {
	var err error
	mail.From = r.cfg.SystemAddress
	mail.To = mms.AddrSpec(m.Originator())
	mid := cmp.Or(m.MM4MessageID, string(m.ID))
	about := mms.HandsetAddress(mail.Report.About)
	if !strings.Contains(about, "@") {
		about += "@" + r.cfg.MMSDomain
	}
	if mail.Report.Kind == mms.ReportRead {
		status := mm4.ReadStatusRead
		if mail.Report.Status == mms.ReadStatusDeleted {
			status = mm4.ReadStatusDeleted
		}
		mail.Data, err = mm4.BuildReadReport(mm4.ReadReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, ReadStatus: status, OriginatorSystem: r.cfg.SystemAddress, Date: now})
	} else {
		status, ok := mmStatus[mms.State(mail.Report.Status)]
		if !ok {
			return mail, mms.Permanent(fmt.Errorf("mm4out: no MM status for state %q", mail.Report.Status))
		}
		mail.Data, err = mm4.BuildDeliveryReport(mm4.DeliveryReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, MMStatus: status, OriginatorSystem: r.cfg.SystemAddress, Date: now})
	}
	if err != nil {
		return mail, mms.Permanent(fmt.Errorf("mm4out: %w", err))
	}
	return mail, nil
}
