package admin

import (
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// The JSON shapes of what the API and the CLI's -json show. Field names
// are interface: they never follow a table's columns. No password or hash
// is ever shown.

// VASP is an account.
type VASP struct {
	Name        string    `json:"name"`
	IPAccount   bool      `json:"ip_account"`
	HasPassword bool      `json:"has_password"`
	AllowIP     string    `json:"allow_ip"`
	Sender      string    `json:"sender"`
	ReportTo    string    `json:"report_to,omitempty"`
	MM7URL      string    `json:"mm7_url,omitempty"`
	MM7Version  string    `json:"mm7_version,omitempty"`
	MaxRate     int       `json:"max_rate,omitempty"`
	MaxConns    int       `json:"max_connections,omitempty"` // 0: the server's default
	Created     time.Time `json:"created"`
}

// VASPOf is a's shape.
func VASPOf(a vasp.Account) VASP {
	return VASP{a.Name, a.IsIPAccount(), a.PasswordHash != "", a.AllowIP, a.SenderMask, a.ReportTo, a.MM7URL,
		a.MM7Version, a.MaxRate, a.MaxConnections, a.Created.UTC()}
}

// Route is a routing rule; an mm4 route is an MM4 peer.
type Route struct {
	Name             string    `json:"name"`
	Kind             string    `json:"kind"`
	Match            string    `json:"match"`
	Default          bool      `json:"default"`
	Host             string    `json:"host,omitempty"`
	Domain           string    `json:"domain,omitempty"`
	OriginatorSystem string    `json:"originator_system,omitempty"`
	Sender           string    `json:"sender,omitempty"`
	SenderOverride   bool      `json:"sender_override"`
	TLS              string    `json:"tls,omitempty"`
	User             string    `json:"user,omitempty"`
	StripPrefix      string    `json:"strip_prefix,omitempty"`
	AddPrefix        string    `json:"add_prefix,omitempty"`
	VASP             string    `json:"vasp,omitempty"`
	Created          time.Time `json:"created"`
}

// RouteOf is r's shape.
func RouteOf(r route.Route) Route {
	return Route{r.Name, string(r.Kind), r.Match.String(), r.Default, r.Host, r.Domain, r.OriginatorSystem, r.Sender,
		r.SenderOverride, r.TLS, r.User, r.StripPrefix, r.AddPrefix, r.VASP, r.Created.UTC()}
}

// Message is a message with its parts, recipients and what is owed to its
// originator.
type Message struct {
	ID            string      `json:"id"`
	VASP          string      `json:"vasp"`
	From          string      `json:"from"`
	Subject       string      `json:"subject"`
	TransactionID string      `json:"transaction_id"`
	MM4MessageID  string      `json:"mm4_message_id"`
	Received      time.Time   `json:"received"`
	Size          int64       `json:"size"`
	Parts         []Part      `json:"parts"`
	Recipients    []Recipient `json:"recipients"`
	Outbox        []Owed      `json:"outbox"`
}

// Part describes a part without its data.
type Part struct {
	ContentType string `json:"content_type"`
	Name        string `json:"name"`
	ContentID   string `json:"content_id"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Recipient is where one recipient stands.
type Recipient struct {
	Address       string     `json:"address"`
	Route         string     `json:"route"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	Notifications int        `json:"notifications"`
	LastError     string     `json:"last_error"`
	Updated       time.Time  `json:"updated"`
	NextAttempt   *time.Time `json:"next_attempt,omitempty"` // only while the recipient has work left
	Token         string     `json:"token,omitempty"`        // last element of the handset's Content-Location
	SMSStatus     string     `json:"sms_status,omitempty"`   // the SMSC's receipt for the latest notification
	History       []Event    `json:"history,omitempty"`      // what happened to it, oldest first (one message's page only)
}

// Event is one thing that happened to a recipient.
type Event struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	State  string    `json:"state,omitempty"` // after it; "" when it left the state as it was
	Detail string    `json:"detail,omitempty"`
	Node   string    `json:"node,omitempty"` // which node recorded it
}

// withHistory gives each of m's recipients its events from l.
func withHistory(m *Message, l []mms.Event) {
	for i := range m.Recipients {
		r := &m.Recipients[i]
		for _, e := range l {
			if e.Address == r.Address {
				r.History = append(r.History, Event{e.At.UTC(), string(e.Kind), string(e.State), e.Detail, e.Node})
			}
		}
	}
}

// Owed is an MM4 response or report owed to the originator.
type Owed struct {
	Kind      string    `json:"kind"`
	To        string    `json:"to"`
	State     string    `json:"state"` // queued, sent, held (no report endpoint), failed
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	Updated   time.Time `json:"updated"`
}

// MessageOf is s's shape, with what is owed to its originator.
func MessageOf(s mms.Summary, owed []mms.OutboxMail) Message {
	m := Message{
		ID: string(s.ID), VASP: s.VASP, From: s.From, Subject: s.Subject,
		TransactionID: s.TransactionID, MM4MessageID: s.MM4MessageID,
		Received: s.Received.UTC(), Size: s.Size,
		Parts: []Part{}, Recipients: []Recipient{}, Outbox: []Owed{},
	}
	for _, p := range s.Parts {
		m.Parts = append(m.Parts, Part{p.ContentType, p.Name, p.ContentID, p.Size, p.SHA256})
	}
	for _, d := range s.Recipients {
		r := Recipient{
			Address: d.Address, Route: string(d.Route), State: string(d.State), Attempts: d.Attempts,
			Notifications: d.Notifications, LastError: d.LastError, Updated: d.Updated.UTC(), Token: d.Token,
			SMSStatus: d.SMSStatus,
		}
		if !d.State.Final() {
			next := d.NextAttempt.UTC()
			r.NextAttempt = &next
		}
		m.Recipients = append(m.Recipients, r)
	}
	for _, o := range owed {
		m.Outbox = append(m.Outbox, Owed{o.What(), o.To, string(o.State), o.Attempts, o.LastError, o.Updated.UTC()})
	}
	return m
}
