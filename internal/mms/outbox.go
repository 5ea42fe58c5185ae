package mms

import (
	"log/slog"
	"time"
)

// OutboxMail is one mail owed to the originator of a message: a response
// written when the message was accepted (Mail), or a Report written when it
// is sent, in the form the originator's interface speaks. The outbox is a
// queue of its own, beside the recipients': its rows are not deliveries.
type OutboxMail struct {
	ID        int64
	MessageID MessageID
	VASP      string // the account whose report endpoint it goes to
	Mail
	Report      Report // a report, written when sent (Report.Kind set); else Mail is the mail
	State       OutboxState
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Updated     time.Time
}

// OutboxState is where an outbox mail stands. Queued is the only one with
// work left.
type OutboxState string

// Outbox states.
const (
	OutboxQueued OutboxState = "queued"
	OutboxSent   OutboxState = "sent"   // the report endpoint's SMTP server took it
	OutboxHeld   OutboxState = "held"   // the originator has no report endpoint: recorded, not sent
	OutboxFailed OutboxState = "failed" // refused for good, or given up on
)

// OutboxOutcome is what an attempt to send an outbox mail made of it.
type OutboxOutcome struct {
	State     OutboxState
	Next      time.Time
	LastError string
}

// JobID names the row to the queue that leased it.
func (m OutboxMail) JobID() int64 { return m.ID }

// LogValue is what a log line says of the mail: not its content.
func (m OutboxMail) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("outbox", m.ID), slog.String("message", string(m.MessageID)),
		slog.String("vasp", m.VASP), slog.String("kind", m.What()))
}

// LogValue is what a log line says of an attempt's outcome.
func (o OutboxOutcome) LogValue() slog.Value {
	return slog.GroupValue(slog.String("state", string(o.State)), slog.Time("next", o.Next),
		slog.String("error", o.LastError))
}

// What names the mail for people: its message type, or the report it
// stands for ("delivery report", "read report") until it is written in
// the form of the originator's interface.
func (m OutboxMail) What() string {
	if m.Report.Kind != "" {
		return string(m.Report.Kind) + " report"
	}
	return m.Mail.Kind
}
