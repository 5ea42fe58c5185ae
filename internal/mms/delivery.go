package mms

import (
	"log/slog"
	"time"
)

// Delivery is one recipient's delivery work: the row the delivery engine
// leases, attempts over the recipient's route, and releases with an Outcome.
type Delivery struct {
	ID           int64
	MessageID    MessageID
	Address      string
	Route        Route
	State        State
	Attempts     int
	NextAttempt  time.Time
	LeaseOwner   string    // "" when not leased
	LeaseExpires time.Time // zero when not leased
	LastError    string
	Updated      time.Time

	Token         string // MM1: the last element of the Content-Location
	TransactionID string // MM1: what the handset's answers quote
	Notifications int    // MM1: notifications that reached the SMSC
	SMSCID        string // MM1: the SMSC's ID of the latest notification
	SMSStatus     string // MM1: what the SMSC's receipt for it said, "" before one came
}

// Outcome is what an attempt made of a leased delivery.
type Outcome struct {
	State     State
	Next      time.Time // when the row is due again (a retry, a re-notification, its expiry)
	LastError string    // "" for none
	Temporary bool      // the attempt failed for now: LastError says why, Next is the next try
	Notified  bool      // a notification reached the SMSC: count it
	SMSCID    string    // the SMSC's ID for it, to match its receipt
	Route     Route     // "" keeps the route; else the recipient moves to it (MM1 converted to a web link)
}

// JobID names the row to the queue that leased it.
func (d Delivery) JobID() int64 { return d.ID }

// LogValue leaves out the token and transaction ID: they are the
// recipient's credentials towards its handset's fetch and answers.
func (d Delivery) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("delivery", d.ID), slog.String("message", string(d.MessageID)),
		slog.String("to", d.Address), slog.String("route", string(d.Route)))
}

// LogValue is what a log line says of an attempt's outcome.
func (o Outcome) LogValue() slog.Value {
	return slog.GroupValue(slog.String("state", string(o.State)), slog.Time("next", o.Next),
		slog.String("error", o.LastError))
}
