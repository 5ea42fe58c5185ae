package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// forwardResponse is the MM4_forward.RES owed for m when its originator
// asked for one (X-Mms-Ack-Request: Yes; TS 23.140 §8.4.2). It answers Ok
// when some recipient could be routed, and
// Error-sending-address-unresolved when none could. It goes to the
// request's Originator-System, else its Sender, else its From (mm4.md §7).
func (r *Relay) forwardResponse(m *mms.Message) (mms.Mail, error) {
	status, text := mm4.StatusErrorSendingAddressUnresolved, "no recipient could be routed"
	for _, rc := range m.Recipients {
		if rc.State != mms.StateFailed {
			status, text = mm4.StatusOk, ""
		}
	}
	to := firstOf(m.OriginatorSystem, m.Sender, addrSpec(m.From), m.EnvelopeFrom)
	mid := m.MM4MessageID
	if mid == "" {
		mid = string(m.ID)
	}
	data, err := mm4.BuildResponse(mm4.Response{
		Type: mm4.TypeForwardRes, TransactionID: firstOf(m.TransactionID, string(m.ID)), MessageID: mid,
		Status: status, StatusText: text, From: r.cfg.SystemAddress, To: to, Date: m.Received,
	})
	if err != nil {
		return mms.Mail{}, mms.Permanent(fmt.Errorf("relay: MM4_forward.RES: %w", err))
	}
	return mms.Mail{Kind: mm4.TypeForwardRes, From: r.cfg.SystemAddress, To: to, Data: data}, nil
}

// addrSpec is the bare address of a header address ("Ann <a@b>" → "a@b").
func addrSpec(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Reporter sends a mail to an account's report endpoint. An error marked
// mms.Permanent is a final refusal; any other is retried.
type Reporter interface {
	SendReport(ctx context.Context, to vasp.Account, from string, rcpt []string, data []byte) error
}

// OutboxStore gives the outbox's mails and the accounts they go to.
type OutboxStore interface {
	Mail(ctx context.Context, id int64) (store.OutboxMail, error)
}

// AccountStore finds accounts.
type AccountStore interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// Outbox sends the MM4 responses and reports owed to originators.
type Outbox struct {
	mails    OutboxStore
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
func NewOutbox(mails OutboxStore, heads Heads, accounts AccountStore, send Reporter, cfg OutboxConfig, log *slog.Logger, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	if cfg.SystemAddress == "" {
		cfg.SystemAddress = "system-user@" + firstOf(cfg.MMSDomain, "localhost")
	}
	return &Outbox{mails: mails, heads: heads, accounts: accounts, send: send, cfg: cfg, now: now, log: log}
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
func (o *Outbox) report(ctx context.Context, mail store.OutboxMail, now time.Time) (store.OutboxMail, error) {
	m, err := o.heads.Head(ctx, mail.MessageID)
	if err != nil {
		return mail, err
	}
	mail.From = o.cfg.SystemAddress
	mail.To = addrSpec(firstOf(m.From, m.EnvelopeFrom))
	mid := firstOf(m.MM4MessageID, string(m.ID))
	about := mms.HandsetAddress(mail.About)
	if !strings.Contains(about, "@") {
		about += "@" + o.cfg.MMSDomain
	}
	if mail.Kind == store.KindReadReport {
		status := mm4.ReadStatusRead
		if mail.Status == "deleted" {
			status = mm4.ReadStatusDeleted
		}
		mail.Data, err = mm4.BuildReadReport(mm4.ReadReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, ReadStatus: status, OriginatorSystem: o.cfg.SystemAddress, Date: now})
	} else {
		status, ok := mmStatus[mms.State(mail.Status)]
		if !ok {
			return mail, mms.Permanent(fmt.Errorf("relay: no MM status for state %q", mail.Status))
		}
		mail.Data, err = mm4.BuildDeliveryReport(mm4.DeliveryReport{TransactionID: mms.NewTransactionID(), MessageID: mid,
			From: about, To: mail.To, MMStatus: status, OriginatorSystem: o.cfg.SystemAddress, Date: now})
	}
	if err != nil {
		return mail, mms.Permanent(fmt.Errorf("relay: %w", err))
	}
	return mail, nil
}

// Attempt sends outbox mail d.ID to its account's report endpoint. Without
// an endpoint the mail is held: recorded, visible, not sent.
func (o *Outbox) Attempt(ctx context.Context, d store.Delivery) store.Outcome {
	now := o.now()
	mail, err := o.mails.Mail(ctx, d.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Outcome{State: store.OutboxFailed, Next: now, LastError: "mail no longer stored"}
	}
	if err != nil {
		return o.retry(d, now, err)
	}
	acct, err := o.accounts.Account(ctx, mail.VASP)
	if errors.Is(err, store.ErrNotFound) || (err == nil && acct.ReportTo == "") {
		return store.Outcome{State: store.OutboxHeld, Next: now, LastError: "account " + mail.VASP + " has no report endpoint"}
	}
	if err != nil {
		return o.retry(d, now, err)
	}
	if len(mail.Data) == 0 && (mail.Kind == store.KindDeliveryReport || mail.Kind == store.KindReadReport) {
		if mail, err = o.report(ctx, mail, now); err != nil {
			if mms.IsPermanent(err) {
				return store.Outcome{State: store.OutboxFailed, Next: now, LastError: err.Error()}
			}
			return o.retry(d, now, err)
		}
	}
	if err := o.send.SendReport(ctx, acct, mail.From, []string{mail.To}, mail.Data); err != nil {
		if mms.IsPermanent(err) {
			return store.Outcome{State: store.OutboxFailed, Next: now, LastError: err.Error()}
		}
		if d.Attempts >= OutboxMaxAttempts {
			return store.Outcome{State: store.OutboxFailed, Next: now, LastError: "gave up: " + err.Error()}
		}
		return o.retry(d, now, err)
	}
	o.log.Info("mm4: sent to the originator", "message", mail.MessageID, "kind", mail.Kind, "vasp", mail.VASP, "to", mail.To)
	return store.Outcome{State: store.OutboxSent, Next: now}
}

func (o *Outbox) retry(d store.Delivery, now time.Time, err error) store.Outcome {
	return retryLater(store.OutboxQueued, d.Attempts-1, DefaultRetryMin, DefaultRetryMax, now, time.Time{}, err)
}
