package mms

import "time"

// Report is what an originator hears of a recipient of its message: a
// delivery report (the recipient's state) or a read report. It is one
// model whatever interface it arrives on or leaves by; each interface
// writes it in its own form (MM4_delivery_report.REQ, m-delivery-ind, ...).
type Report struct {
	Kind   ReportKind
	About  string // the recipient it is about, as stored
	Status string // a delivery report: the recipient's State; a read report: ReadStatusRead or ReadStatusDeleted
}

// ReportKind tells delivery reports from read reports.
type ReportKind string

// Report kinds.
const (
	ReportDelivery ReportKind = "delivery"
	ReportRead     ReportKind = "read"
)

// Read statuses of a read report (OMA MMS ENC X-Mms-Read-Status; TS 23.140
// X-Mms-Read-Status), as stored.
const (
	ReadStatusRead    = "read"
	ReadStatusDeleted = "deleted"
)

// ReadReport is a recipient's word that it read a message, or deleted it
// unread, as an interface heard it.
type ReadReport struct {
	Message MessageID
	Reader  string    // the number it came from, as the interface names it
	Status  string    // ReadStatusRead or ReadStatusDeleted
	At      time.Time // when, by the reader's account
}

// Readers is whose read reports about a message count: its recipients on
// Routes, their numbers agreeing with the reader's as Match. Anyone else
// could only be making it up.
type Readers struct {
	Routes []Route // each a route or a pattern (AllPeers)
	Match  NumberMatch
}
