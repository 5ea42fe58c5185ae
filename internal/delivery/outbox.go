package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Reporter sends the originator of message m what it is owed, in the form
// of the interface m came by: the mail as it was written at acceptance, or
// the report it stands for (mail.Report), written now. An error wrapping
// mms.ErrNoEndpoint holds the mail (recorded, not sent); one marked
// mms.Permanent fails it; any other is retried.
type Reporter interface {
	Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error
	// Reaches says whether the originator of m has somewhere to take
	// what it is owed: a report (report true), or a mail written at
	// acceptance. The accept path asks, and writes nothing that could go
	// nowhere.
	Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error)
}

// Outbox sends the responses and reports owed to originators, each through
// the Reporter of the interface its message came by.
type Outbox struct {
	heads     Heads
	reporters map[mms.Interface]Reporter
	now       func() time.Time
	log       *slog.Logger
}

// OutboxMaxAttempts bounds the retries of a response or report: with the
// backoff capped at five minutes, about two days, after which nobody is
// waiting for it any more.
const OutboxMaxAttempts = 600

// NewOutbox returns the outbox sender. now nil means time.Now.
func NewOutbox(heads Heads, reporters map[mms.Interface]Reporter, log *slog.Logger, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{heads: heads, reporters: reporters, now: now, log: log}
}

// Attempt sends outbox mail to the originator of its message.
func (o *Outbox) Attempt(ctx context.Context, mail mms.OutboxMail) mms.OutboxOutcome {
	now := o.now()
	m, err := o.heads.Head(ctx, mail.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: "message no longer stored"}
	}
	if err != nil {
		return o.retry(mail, now, err)
	}
	rep, ok := o.reporters[m.Origin.Interface]
	if !ok {
		return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now,
			LastError: fmt.Sprintf("no way to answer over %q, the interface the message came by", m.Origin.Interface)}
	}
	err = rep.Report(ctx, m, mail, now)
	switch {
	case err == nil:
		o.log.Info("outbox: sent to the originator", "interface", m.Origin.Interface, slog.Any("", mail))
		return mms.OutboxOutcome{State: mms.OutboxSent, Next: now}
	case errors.Is(err, mms.ErrNoEndpoint):
		return mms.OutboxOutcome{State: mms.OutboxHeld, Next: now, LastError: err.Error()}
	case mms.IsPermanent(err):
		return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: err.Error()}
	case mail.Attempts >= OutboxMaxAttempts:
		return mms.OutboxOutcome{State: mms.OutboxFailed, Next: now, LastError: "gave up: " + err.Error()}
	}
	return o.retry(mail, now, err)
}

// Reaches asks the Reporter of the interface m came by; with none,
// nothing can be sent.
func (o *Outbox) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	rep, ok := o.reporters[m.Origin.Interface]
	if !ok {
		return false, nil
	}
	return rep.Reaches(ctx, m, report)
}

func (o *Outbox) retry(mail mms.OutboxMail, now time.Time, err error) mms.OutboxOutcome {
	return mms.OutboxOutcome{State: mms.OutboxQueued, Next: backoff(mail.Attempts-1, DefaultRetryMin, DefaultRetryMax, now, time.Time{}),
		LastError: temporary(err)}
}
