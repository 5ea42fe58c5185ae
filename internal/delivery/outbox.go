package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Reporter sends a mail to an account's report endpoint. An error marked
// mms.Permanent is a final refusal; any other is retried.
type Reporter interface {
	SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error
}

// AccountStore finds accounts.
type AccountStore interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// Outbox sends the MM4 responses and reports owed to originators.
type Outbox struct {
	heads    Heads
	accounts AccountStore
	send     Reporter
	cfg      OutboxConfig
	now      func() time.Time
	log      *slog.Logger
}

// OutboxConfig names us in the reports the outbox writes.
type OutboxConfig struct {
	MMSDomain     string // recipients are written at it
	SystemAddress string // the reports' sender and X-Mms-Originator-System
}

// OutboxMaxAttempts bounds the retries of a response or report: with the
// backoff capped at five minutes, about two days, after which nobody is
// waiting for it any more.
const OutboxMaxAttempts = 600

// NewOutbox returns the outbox sender. now nil means time.Now.
func NewOutbox(heads Heads, accounts AccountStore, send Reporter, cfg OutboxConfig, log *slog.Logger, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	if cfg.SystemAddress == "" {
		cfg.SystemAddress = "system-user@" + cmp.Or(cfg.MMSDomain, "localhost")
	}
	return &Outbox{heads: heads, accounts: accounts, send: send, cfg: cfg, now: now, log: log}
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
func (o *Outbox) report(ctx context.Context, mail mms.OutboxMail, now time.Time) (mms.OutboxMail, error) {
	m, err := o.heads.Head(ctx, mail.MessageID)
	if err != nil {
		return mail, err
	}
	mail.From = o.cfg.SystemAddress
	mail.To = mms.AddrSpec(m.Originator())
	mid := cmp.Or(m.MM4MessageID, string(m.ID))
	about := mms.HandsetAddress(mail.Report.About)
	if !strings.Contains(about, "@") {
		about += "@" + o.cfg.MMSDomain
	}
	if mail.Report.Kind == mms.ReportRead {
		status := mm4.ReadStatusRead
		if mail.Report.Status == mms.ReadStatusDeleted {
			status = mm4.ReadStatusDeleted
		}
		mail.Data, err = mm4.BuildReadReport(mm4.ReadReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, ReadStatus: status, OriginatorSystem: o.cfg.SystemAddress, Date: now})
	} else {
		status, ok := mmStatus[mms.State(mail.Report.Status)]
		if !ok {
			return mail, mms.Permanent(fmt.Errorf("delivery: no MM status for state %q", mail.Report.Status))
		}
		mail.Data, err = mm4.BuildDeliveryReport(mm4.DeliveryReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, MMStatus: status, OriginatorSystem: o.cfg.SystemAddress, Date: now})
	}
	if err != nil {
		return mail, mms.Permanent(fmt.Errorf("delivery: %w", err))
	}
	return mail, nil
}

// Attempt sends outbox mail to its account's report endpoint. Without an
// endpoint the mail is held: recorded, visible, not sent.
func (o *Outbox) Attempt(ctx context.Context, mail mms.OutboxMail) mms.OutboxOutcome {
	now := o.now()
	acct, err := o.accounts.Account(ctx, mail.VASP)
	if errors.Is(err, mms.ErrNotFound) || (err == nil && acct.ReportTo == "") {
		return mms.OutboxOutcome{State: mms.OutboxHeld, Next: now, LastError: "account " + mail.VASP + " has no report endpoint"}
	}
	if err != nil {
		return o.retry(mail, now, err)
	}
	if mail.Report.Kind != "" && len(mail.Data) == 0 {
		if mail, err = o.report(ctx, mail, now); err != nil {
			if mms.IsPermanent(err) {
				return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: err.Error()}
			}
			return o.retry(mail, now, err)
		}
	}
	if err := o.send.SendReport(ctx, acct, mail.From, []string{mail.To}, mail.Data); err != nil {
		if mms.IsPermanent(err) {
			return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: err.Error()}
		}
		if mail.Attempts >= OutboxMaxAttempts {
			return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: "gave up: " + err.Error()}
		}
		return o.retry(mail, now, err)
	}
	o.log.Info("mm4: sent to the originator", "message", mail.MessageID, "kind", Kind(mail), "vasp", mail.VASP, "to", mail.To)
	return mms.OutboxOutcome{State: mms.OutboxSent, Next: now}
}

func (o *Outbox) retry(mail mms.OutboxMail, now time.Time, err error) mms.OutboxOutcome {
	return mms.OutboxOutcome{State: mms.OutboxQueued, Next: backoff(mail.Attempts-1, DefaultRetryMin, DefaultRetryMax, now, time.Time{}),
		LastError: temporary(err)}
}

// reportTypes are the MM4 message types of the reports the outbox writes:
// MM4 is the only interface originators reach us by so far.
var reportTypes = map[mms.ReportKind]string{
	mms.ReportDelivery: mm4.TypeDeliveryReportReq, mms.ReportRead: mm4.TypeReadReplyReportReq,
}

// Kind is the message type outbox mail m is, or will be, sent as.
func Kind(m mms.OutboxMail) string { return cmp.Or(m.Kind, reportTypes[m.Report.Kind]) }
