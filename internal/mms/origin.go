package mms

import "cmp"

// Origin is where a message came from: what every answer, report, CDR and
// policy about it needs to know of its sender's side.
type Origin struct {
	Interface Interface // the interface it arrived on
	// Account is the VASP account, or the peer MMSC's account, it came by
	// ("" for a handset, which is known by its number).
	Account string
}

// Interface names an MMS reference point (3GPP TS 23.140 §4): how a
// message reached the MMSC, and so how its originator is answered.
type Interface string

// Interfaces. MM4 is the only ingress so far; the others are named so that
// their issues plug in without a new word.
const (
	InterfaceMM4 Interface = "mm4" // a VASP submitting NowSMS-style, or a peer MMSC (TS 23.140 §8.4)
	InterfaceMM1 Interface = "mm1" // a handset's m-send-req
	InterfaceMM7 Interface = "mm7" // a VASP over SOAP
	InterfaceMM3 Interface = "mm3" // e-mail
)

// ReplyTo is the address answers about the message go to (its MM4
// responses): the originating system it named, else its Sender, else its
// From, else the envelope's MAIL FROM (mm4.md §7).
func (m *Message) ReplyTo() string {
	return cmp.Or(m.OriginatorSystem, m.Sender, AddrSpec(m.From), m.EnvelopeFrom)
}
