package mms

import "time"

// Summary is what a listing shows of a message: no raw bytes, no part
// data, every recipient with its state.
type Summary struct {
	ID            MessageID
	VASP          string // the account it came by; "" for a handset
	From          string
	Subject       string
	TransactionID string
	MM4MessageID  string
	Received      time.Time
	Size          int64 // of the message as received
	Parts         []PartSummary
	Recipients    []Delivery
}

// PartSummary describes one stored part without its data.
type PartSummary struct {
	ContentType string
	Name        string
	ContentID   string
	Size        int64
	SHA256      string // hex, of the decoded data
}

// MessageQuery selects messages for a listing, newest first. Zero fields
// select everything.
type MessageQuery struct {
	ID      MessageID // this message only
	State   State     // a recipient is in this state
	Account string    // it came by this account
	Number  string    // a recipient's address, or the sender's, is this number (written any way)
	Since   time.Time // received at or after this
	// Before continues a listing: only messages older than this one, in
	// the listing's order (received, then ID, both descending).
	Before *Position
	Limit  int // at most this many; must be positive
}

// Position is a message's place in a newest-first listing.
type Position struct {
	Received time.Time
	ID       MessageID
}
