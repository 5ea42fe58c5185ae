package mms

import "time"

// FinalRecipient is a recipient whose delivery has ended, with what a
// record of that outcome needs from its message: the words of a CDR
// before any file format gives them a shape.
type FinalRecipient struct {
	// Delivery is the recipient's row. With Message it names the outcome
	// for good: a record written twice carries the same pair.
	Delivery int64
	Message  MessageID
	Origin   Origin
	// From is the sender as the message came: MAIL FROM, the handset's
	// number, or MM7's SenderAddress.
	From     string
	Size     int64 // octets as received
	Service  Service
	Accepted time.Time

	To            string // the recipient's address as stored
	Route         Route
	State         State
	Attempts      int
	Notifications int       // pushes the SMSC took
	FirstNotified time.Time // zero: never notified
	// Ended is when the recipient's row last changed: its final state,
	// unless an SMSC receipt for its last push came after that.
	Ended time.Time
}
