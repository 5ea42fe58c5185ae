package mms

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
