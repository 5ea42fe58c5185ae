package smpp

import "time"

// Config describes the link to one SMSC. Zero fields take the defaults noted.
type Config struct {
	// Address is the SMSC's host:port. Empty means no SMSC is configured:
	// Run only waits for its context and Submit always fails with ErrNoLink.
	Address string

	// SystemID, Password and SystemType are sent in bind_transceiver.
	SystemID, Password, SystemType string

	// SourceAddr is the originator of every submit_sm, default "MMSC".
	// Digits, optionally after a "+", are sent as an international number
	// (TON 1, NPI 1); anything else as alphanumeric (TON 5, NPI 0).
	SourceAddr string

	// SubmitsPerSecond limits submit_sm, default 100; negative means no
	// limit (benchmarks, a local SMSC). Each segment counts.
	SubmitsPerSecond int

	// Window is the most submit_sm allowed without a submit_sm_resp,
	// default 10. Submits beyond it wait for a response to free a slot.
	Window int

	// EnquireLink is the interval between enquire_link PDUs, default 30s.
	// A link that receives nothing for EnquireLink+SubmitTimeout is dead.
	EnquireLink time.Duration

	// ReconnectMin and ReconnectMax bound the exponential backoff between
	// bind attempts, defaults 1s and 30s.
	ReconnectMin, ReconnectMax time.Duration

	// SubmitTimeout is how long to wait for a submit_sm_resp (and for the
	// TCP connect and bind_transceiver_resp), default 10s.
	SubmitTimeout time.Duration

	// Observer, if set, is told of the link going up and down and of
	// every submit_sm's answer.
	Observer Observer
}

// Observer is told what the link does. Its methods are called on the
// link's own goroutines and must return at once.
type Observer interface {
	// Linked: the link was bound (up) or lost or unbound.
	Linked(up bool)
	// Submitted: a submit_sm was answered with the command status of this
	// name (StatusName), or not within SubmitTimeout ("timeout").
	Submitted(status string)
}

// withDefaults fills the zero fields. It is applied once, in New, so the
// rest of the package never sees a zero that means "default".
func (c Config) withDefaults() Config {
	if c.SourceAddr == "" {
		c.SourceAddr = "MMSC"
	}
	if c.SubmitsPerSecond == 0 {
		c.SubmitsPerSecond = 100
	}
	if c.Window <= 0 {
		c.Window = 10
	}
	if c.EnquireLink <= 0 {
		c.EnquireLink = 30 * time.Second
	}
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = time.Second
	}
	if c.ReconnectMax <= 0 {
		c.ReconnectMax = 30 * time.Second
	}
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = c.ReconnectMin
	}
	if c.SubmitTimeout <= 0 {
		c.SubmitTimeout = 10 * time.Second
	}
	return c
}
