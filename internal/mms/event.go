package mms

import "time"

// Event is one thing that happened to one recipient of a message. A
// recipient's events, oldest first, are its history: what an operator
// reads to answer "where is my message?" without the logs of every node.
type Event struct {
	At      time.Time
	Address string // the recipient, as stored
	Kind    EventKind
	State   State  // the recipient's state after the event; "" when the event left it as it was
	Detail  string // what the kind's comment says: an error, a peer's or handset's words, an SMSC status
	Node    string // who recorded it: the lease owner of an attempt, else the node that heard of it; "" from the command line
}

// EventKind says what happened to a recipient. The set is closed: an
// event the store records is of one of these kinds.
type EventKind string

// Event kinds, in the order a recipient might meet them.
const (
	// EventAccepted: stored with its message. Detail: the route it is to
	// be delivered by.
	EventAccepted EventKind = "accepted"
	// EventUnroutable: stored with its message but failed at once, as
	// nothing can reach it. Detail: why ("no route", "rejected by route NAME").
	EventUnroutable EventKind = "unroutable"
	// EventNotified: a notification (WAP Push, SI, or the text SMS of a
	// web link) reached the SMSC. Detail: the SMSC's ID for it, which its
	// receipt will quote.
	EventNotified EventKind = "notified"
	// EventConverted: an MMS not fetched in time was sent as a web link
	// instead, and its route is now weblink.
	EventConverted EventKind = "converted"
	// EventSent: a peer MMSC's SMTP server took the forward; its
	// MM4_forward.RES is awaited.
	EventSent EventKind = "sent"
	// EventForwarded: the peer MMSC answered the forward Ok, or never
	// answered and its SMTP 250 stands.
	EventForwarded EventKind = "forwarded"
	// EventDelivered: a VASP took the message for its short code (MM7
	// DeliverReq answered 1000).
	EventDelivered EventKind = "delivered"
	// EventRetry: an attempt failed for now, or a peer refused it for now.
	// Detail: the error, and when it is tried again.
	EventRetry EventKind = "retry"
	// EventFailed: it cannot be delivered. Detail: the SMSC's, peer's,
	// VASP's or handset's refusal, or what else ended it.
	EventFailed EventKind = "failed"
	// EventExpired: not delivered before the message expired.
	EventExpired EventKind = "expired"
	// EventRetrieved: the handset fetched the message, acknowledged it, or
	// opened its web page.
	EventRetrieved EventKind = "retrieved"
	// EventRejected: the handset refused the message.
	EventRejected EventKind = "rejected"
	// EventDeferred: the handset will fetch the message later.
	EventDeferred EventKind = "deferred"
	// EventReceipt: the SMSC's delivery receipt for the latest
	// notification. Detail: its status (DELIVRD, UNDELIV, EXPIRED, ...).
	EventReceipt EventKind = "receipt"
	// EventPeerReport: a peer MMSC's delivery report about a forward.
	// Detail: what the peer said.
	EventPeerReport EventKind = "peer-report"
	// EventReadReport: the recipient's read report, its first. Detail:
	// ReadStatusRead or ReadStatusDeleted.
	EventReadReport EventKind = "read-report"
	// EventCancelled: the sender or an operator withdrew the message from
	// the recipient before it had it. Detail: by whom, or why.
	EventCancelled EventKind = "cancelled"
	// EventResent: an operator queued it to be delivered again. Detail:
	// the reason given.
	EventResent EventKind = "resent"
	// EventReported: a delivery or read report about the recipient went to
	// the originator. Detail: which, and its status.
	EventReported EventKind = "reported"
)
