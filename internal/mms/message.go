package mms

import (
	"cmp"
	"time"
)

// Message is one multimedia message as the MMSC keeps it: the envelope it
// arrived with, the MM4 fields that later answers and reports need, the raw
// bytes as received and every decoded leaf part.
type Message struct {
	ID       MessageID
	Origin   Origin    // the interface and account it came by
	Service  Service   // what a VASP said of the service it belongs to
	Received time.Time // when the MMSC accepted it

	EnvelopeFrom string      // MAIL FROM, as given
	Recipients   []Recipient // RCPT TO: the recipients; header To/Cc are for display

	// Header fields (TS 23.140 §8.4.1, MM4_forward.REQ).
	MessageType    string // "MM4_forward.REQ", canonical spelling
	MMSVersion     string // X-Mms-3GPP-MMS-Version
	TransactionID  string // X-Mms-Transaction-ID, unquoted
	MM4MessageID   string // X-Mms-Message-ID, unquoted
	SMTPMessageID  string // Message-ID, without angle brackets
	From           string // header From, decoded
	To             []string
	Cc             []string
	Subject        string // RFC 2047 decoded
	Date           time.Time
	MessageClass   string // Personal, Advertisement, Informational, Auto; "" = absent
	Priority       string // Low, Normal, High; "" = absent
	Expiry         time.Time
	DeliveryTime   time.Time // X-Mms-Delivery-Time: no attempt before it (zero: at once); schedules, is not kept
	AckRequest     bool
	DeliveryReport bool
	ReadReply      bool
	// ReportsNowhere: the originator asked for reports (DeliveryReport,
	// ReadReply) but has nowhere to take them, as decided at acceptance;
	// none are written for it.
	ReportsNowhere   bool
	OriginatorSystem string
	Sender           string // RFC 5322 Sender, a fallback for where answers go
	SenderHidden     bool   // X-Mms-Sender-Visibility: Hide
	ForwardCounter   int    // X-Mms-Forward-Counter as received: MMSCs passed so far

	ContentType string // top-level media type with its parameters, e.g. multipart/related; start=...
	Parts       []Part
	ContentSize int64  // total of the parts' decoded sizes; set when a message is loaded
	Raw         []byte // the message exactly as received after DATA

	// Outbox holds MM4 mails owed to the originator about this message
	// (an MM4_forward.RES); they are stored with the message, in the
	// same durable step, and sent afterwards.
	Outbox []Mail
}

// Originator is the message's sender as it names itself: the header From,
// else the envelope's MAIL FROM.
func (m *Message) Originator() string { return cmp.Or(m.From, m.EnvelopeFrom) }

// NotSent names the recipients that routing ended at once, with why
// ("not sent to bob@example.com: no route"): what an ingress tells the
// sender in its answer.
func (m *Message) NotSent() []string {
	var l []string
	for _, rc := range m.Recipients {
		if rc.State == StateFailed {
			l = append(l, "not sent to "+rc.Address+": "+rc.LastError)
		}
	}
	return l
}

// Mail is an MM4 response or report the MMSC sends to the originator of a
// message through its report endpoint.
type Mail struct {
	Kind     string // X-Mms-Message-Type, e.g. "MM4_forward.RES"
	From, To string // envelope
	Data     []byte // the whole mail, CRLF line ends
}

// Part is one leaf of the MIME tree, decoded.
type Part struct {
	ContentType     string // media type with parameters; text parts are re-labelled charset=utf-8
	Name            string // file name from Content-Disposition or the name parameter
	ContentLocation string
	ContentID       string // with its angle brackets, as MMS wants it
	Data            []byte // transfer-decoded; text converted to UTF-8
}

// Recipient is one envelope recipient and how it is to be reached.
type Recipient struct {
	Address string // phone number, "+447778889999"
	Route   Route

	// State is where the recipient stands; "" on a new message means
	// queued. Routing may end a recipient at once (failed, "no route").
	State     State
	LastError string

	// Token and TransactionID identify an MM1 recipient to its handset:
	// the token is the last element of the Content-Location it fetches,
	// the transaction ID what its notify-response and acknowledgement
	// quote. Both are empty for other routes.
	Token         string
	TransactionID string
}
