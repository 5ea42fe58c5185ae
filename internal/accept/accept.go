package accept

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Store keeps accepted messages. Accept stores the message, its parts and
// one delivery row per recipient in one transaction, and returns only once
// that is synced to disk; ReplaceContent gives a stored message new parts.
type Store interface {
	Accept(ctx context.Context, m *mms.Message) error
	Head(ctx context.Context, id mms.MessageID) (*mms.Message, error)
	ReplaceContent(ctx context.Context, id mms.MessageID, contentType string, parts []mms.Part) error
}

// Config is the accept path's policy for new messages.
type Config struct {
	// LocalNumbers are the subscribers this MMSC delivers to over MM1
	// (NowSMS masks, "+44*,+4477*"). Empty means every number is local.
	LocalNumbers mms.Masks
	// Retain is how long a message is kept for its recipients: its
	// expiry when the sender gave none, and the most the sender may ask.
	Retain time.Duration
	// Now reads the clock; nil means time.Now.
	Now func() time.Time
	// Wake, if set, is called once a message is stored, so that its
	// delivery starts at once instead of at the queue's next look. It is
	// given the message, to wake only the queues that have work in it: a
	// needless wake costs a lease, which is a write.
	Wake func(m *mms.Message)
	// Routes, if set, routes recipients that are not local (package
	// route); without it they fail with "no route".
	Routes route.Source
	// RefuseUnroutable are the interfaces whose senders are told at once
	// (mms.ErrUnroutable)
	// when no recipient can be reached (MM1: the m-send-conf says so), so
	// that nothing is stored; the others store the message, failed for
	// every recipient, and answer later (MM4's forward response).
	RefuseUnroutable []mms.Interface
	// Pace, if set, gives each message of an account the first time it
	// may be delivered (vasp.Pacer: the account's max rate).
	Pace Pacer
	// Responders write what the ingress of an interface owes the
	// originator once the recipients are routed (MM4's forward response,
	// mm4.ForwardResponder), stored with the message in the same step.
	Responders map[mms.Interface]Responder
	// Reach, if set, says whether the originator of a message has
	// somewhere to take what it is owed. What could go nowhere is not
	// written: the Responders' mails are dropped, and the message is
	// marked ReportsNowhere so that no report is queued for it later.
	Reach Reach
	// Log takes what the accept path notices but does not refuse; nil discards.
	Log *slog.Logger
	// Callback, if set, is asked how to route recipients (NowSMS's
	// MMSRoutingURL): those that are not local, or all with ForceCallback.
	Callback      Callback
	ForceCallback bool
	// CallbackFallback is what happens when the callback fails or gives no
	// answer: "table" routes as if there were no callback, "reject"
	// fails the recipient.
	CallbackFallback string
	// Observer, if set, is told of every message made durable.
	Observer Observer
}

// Observer is told of each message accepted, with the time from the start
// of Accept until the store had it durable: what a sender waits for its
// answer, less the reading of its request.
type Observer interface {
	Accepted(o mms.Origin, took time.Duration)
}

// Pacer says when a message from account, accepted at now, may first be
// delivered.
type Pacer interface {
	NotBefore(ctx context.Context, account string, now time.Time) (time.Time, error)
}

// Responder writes what an interface's ingress owes the originator of m
// once its recipients are routed; nothing when it owes nothing.
type Responder interface {
	Owed(m *mms.Message) ([]mms.Mail, error)
}

// Reach says whether the originator of m has somewhere to take what it is
// owed: a report (report true), or what a Responder wrote.
type Reach interface {
	Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error)
}

// Callback answers how to route one recipient: a route's name, "Direct" or
// "Reject" (package routecheck).
type Callback interface {
	Route(ctx context.Context, from, vasp, to string) (string, error)
}

// Decisions of a routing callback other than a route name.
const (
	callbackDirect = "Direct"
	callbackReject = "Reject"
)

// DefaultRetain is NowSMS's default retention (DataRetainDays=15).
const DefaultRetain = 15 * 24 * time.Hour

// Path is the one accept path: every ingress hands its messages to Accept.
type Path struct {
	store  Store
	cfg    Config
	routes *route.Cache
}

// New returns the accept path that stores through store under cfg.
func New(store Store, cfg Config) *Path {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Retain <= 0 {
		cfg.Retain = DefaultRetain
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Path{store: store, cfg: cfg}
	if cfg.Routes != nil {
		r.routes = route.NewCache(cfg.Routes, cfg.Now)
	}
	return r
}

// Accept cleans the text m's sender wrote (clean), routes every recipient
// of m, gives m its ID, receipt time and expiry, stores it and wakes its
// delivery. When it returns nil the message is durable. An error marked
// mms.Permanent is the message's fault; any other is temporary trouble, and
// nothing was stored.
func (r *Path) Accept(ctx context.Context, m *mms.Message) (mms.MessageID, error) {
	if len(m.Recipients) == 0 {
		return "", mms.Permanent(errors.New("accept: message has no recipients"))
	}
	clean(m)
	m.Received = r.cfg.Now()
	m.ID = mms.NewMessageID(m.Received)
	m.Expiry = expiry(m.Expiry, m.Received, r.cfg.Retain)
	if r.cfg.Pace != nil && m.Origin.Account != "" {
		slot, err := r.cfg.Pace.NotBefore(ctx, m.Origin.Account, m.Received)
		if err != nil {
			return "", fmt.Errorf("accept: pace %s: %w", m.Origin.Account, err)
		}
		if slot.After(m.DeliveryTime) {
			m.DeliveryTime = slot
		}
	}
	var table route.Table
	if r.routes != nil {
		var err error
		if table, err = r.routes.Table(ctx); err != nil {
			return "", fmt.Errorf("accept: %w", err)
		}
	}
	for i := range m.Recipients {
		r.route(ctx, m, &m.Recipients[i], table)
	}
	if slices.Contains(r.cfg.RefuseUnroutable, m.Origin.Interface) &&
		!slices.ContainsFunc(m.Recipients, func(rc mms.Recipient) bool { return rc.State != mms.StateFailed }) {
		return "", mms.Permanent(mms.ErrUnroutable)
	}
	if resp, ok := r.cfg.Responders[m.Origin.Interface]; ok {
		// A response we cannot address (the originator gave no usable
		// address) is not a reason to refuse the message itself.
		owed, err := resp.Owed(m)
		if err != nil {
			r.cfg.Log.Warn("accept: no response for the originator of this message", "message", m.ID,
				"interface", m.Origin.Interface, "err", err)
		}
		if len(owed) > 0 && r.reaches(ctx, m, false) {
			m.Outbox = append(m.Outbox, owed...)
		}
	}
	if m.DeliveryReport || m.ReadReply {
		m.ReportsNowhere = !r.reaches(ctx, m, true)
	}
	if err := r.store.Accept(ctx, m); err != nil {
		return "", fmt.Errorf("accept: %s: %w", m.ID, err)
	}
	if r.cfg.Observer != nil {
		r.cfg.Observer.Accepted(m.Origin, r.cfg.Now().Sub(m.Received))
	}
	if r.cfg.Wake != nil {
		r.cfg.Wake(m)
	}
	return m.ID, nil
}

// reaches is Reach's answer, and yes when there is no Reach or it cannot
// tell: then what is owed is written, and held when it is sent.
func (r *Path) reaches(ctx context.Context, m *mms.Message, report bool) bool {
	if r.cfg.Reach == nil {
		return true
	}
	ok, err := r.cfg.Reach.Reaches(ctx, m, report)
	if err != nil {
		r.cfg.Log.Warn("accept: could not tell whether the originator takes answers; writing them", "message", m.ID,
			"account", m.Origin.Account, "err", err)
		return true
	}
	return ok
}

// expiry is when a message received at received stops being offered: the
// sender's expiry if it gave one within retention, else the end of
// retention. Content is not kept past retention, so a longer expiry
// would promise what the MMSC cannot keep.
func expiry(asked, received time.Time, retain time.Duration) time.Time {
	end := received.Add(retain)
	if asked.IsZero() || asked.After(end) {
		return end
	}
	return asked
}

// route keeps a route the sender chose by address form (Multimedia WAP
// Push), sends local numbers to their handsets over MM1 (or to web links
// when a weblink route names them), and routes the
// rest by the table: to a peer MMSC, to MM1 all the same, or nowhere (the
// recipient fails at once, "rejected by route NAME" or "no route").
// Recipients that will fetch content get a token; MM1 recipients, and MM4
// ones whose forward a peer will answer, a transaction ID.
func (r *Path) route(ctx context.Context, m *mms.Message, rc *mms.Recipient, table route.Table) {
	if !mms.IsPhoneNumber(rc.Address) {
		// An e-mail address: it goes by MM3, which is not here yet.
		rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "no route"
		return
	}
	local := len(r.cfg.LocalNumbers) == 0 || r.cfg.LocalNumbers.Match(rc.Address)
	switch {
	case rc.Route != "":
	case r.cfg.Callback != nil && (r.cfg.ForceCallback || !local):
		if !r.callback(ctx, m, rc, table, local) {
			return
		}
	case local:
		rc.Route = mms.RouteMM1
		if rt, ok := named(rc.Address, table); ok {
			rc.Route = rt.Recipient()
		}
	default:
		if !byTable(rc, table) {
			return
		}
	}
	if rc.Route == mms.RouteMM1 || rc.Route == mms.RouteWAPPush || rc.Route == mms.RouteWebLink {
		rc.Token = mms.NewToken()
	}
	if rc.Route != mms.RouteWAPPush && rc.Route != mms.RouteWebLink {
		rc.TransactionID = mms.NewTransactionID()
	}
}

// named is the weblink or mm7 route that names number by its masks: a
// number of ours that cannot take MMS (a landline), which the operator
// routes to web links, or a VASP's short code, although it is local. A
// default route does not count: it is for numbers no mask names, and
// local numbers are named by local_numbers.
func named(number string, table route.Table) (route.Route, bool) {
	rt, ok := table.Pick(number)
	if !ok || !rt.Match.Match(number) || rt.Kind != route.KindWebLink && rt.Kind != route.KindMM7 {
		return route.Route{}, false
	}
	return rt, true
}

// byTable routes rc by the table; false if that ended it.
func byTable(rc *mms.Recipient, table route.Table) bool {
	rt, ok := table.Pick(rc.Address)
	switch {
	case !ok:
		rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "no route"
		return false
	case rt.Kind == route.KindReject:
		rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "rejected by route "+rt.Name
		return false
	}
	rc.Route = rt.Recipient()
	return true
}

// callback routes rc as the routing callback says, or by the fallback when
// it cannot say; false if that ended the recipient.
func (r *Path) callback(ctx context.Context, m *mms.Message, rc *mms.Recipient, table route.Table, local bool) bool {
	from := cmp.Or(mms.HandsetAddress(cmp.Or(m.EnvelopeFrom, m.From)), m.EnvelopeFrom)
	from = strings.TrimSuffix(from, "/TYPE=PLMN")
	d, err := r.cfg.Callback.Route(ctx, from, m.Origin.Account, rc.Address)
	if err != nil {
		r.cfg.Log.Warn("accept: routing callback failed; using the fallback", "to", rc.Address,
			"fallback", r.cfg.CallbackFallback, "err", err)
		if r.cfg.CallbackFallback == "reject" {
			rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "routing callback unavailable"
			return false
		}
		if local {
			rc.Route = mms.RouteMM1
			return true
		}
		return byTable(rc, table)
	}
	switch {
	case strings.EqualFold(d, callbackDirect):
		rc.Route = mms.RouteMM1
		return true
	case strings.EqualFold(d, callbackReject):
		rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "rejected by the routing callback"
		return false
	}
	if rt, ok := table.Named(d); ok {
		if rt.Kind == route.KindReject {
			rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "rejected by route "+rt.Name
			return false
		}
		rc.Route = rt.Recipient()
		return true
	}
	rc.Route, rc.State, rc.LastError = mms.RouteNone, mms.StateFailed, "the routing callback named no route of ours: "+d
	return false
}
