package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/route"
)

// Store is what the engine needs of the store: the recipients' rows as a
// queue, the messages they are about, the routes and accounts they go by,
// and the housekeeping of receipts and retention.
type Store interface {
	queue.Store[mms.Delivery, mms.Outcome]
	Heads
	Deliverables
	route.Source
	HandsetStore
	AnswerStore
	CancelStore
	SMSReceipt(ctx context.Context, smscID, status string, now time.Time) (bool, error)
	Purge(ctx context.Context, cutoff, now time.Time) (mms.Purged, error)
	// OnWork and OnOutbox say what to call when another node (or a
	// handset's answer here) has made work due.
	OnWork(wake func(mms.Route))
	OnOutbox(wake func())
}

// Transports carry the work out, one per route kind, and reports back to
// the originator, one per origin kind.
type Transports struct {
	Notify Notifier // mm1: an m-notification-ind in a WAP Push
	Pages  Notifier // wappush and weblink: an SI push or a text SMS with the page's link
	Peers  Peers    // mm4:NAME: an MM4_forward.REQ to the peer MMSC
	VASPs  VASPs    // mm7:NAME: a DeliverReq to the VASP's short code
	// Reports answer originators, one Reporter per interface messages
	// come by (today MM4: VASPs and peer MMSCs).
	Reports map[mms.Interface]Reporter
	// Ready says whether the SMS link can take work now; nil: always.
	Ready func() bool
}

// Config is the engine's policy.
type Config struct {
	Owner    string        // names this node's leases; unique among nodes sharing the store
	LeaseFor time.Duration // 0: queue.DefaultLeaseFor
	// Sweep is how often each queue looks for due work it was not told of
	// (0: queue.DefaultMaxIdle): ClusterSweep where other nodes share the
	// store, whose wake-ups may be lost and whose leases run out when they
	// die.
	Sweep  time.Duration
	MM1    MM1Policy
	MM4    MM4Policy
	Retain time.Duration // messages final for every recipient are purged this long after arrival
	// Observer, if set, is told of every attempt on a recipient and of
	// each first notification.
	Observer Observer
}

// ClusterSweep is the sweep of a node that shares its store: a dead
// node's work is found at most this long after its leases run out, and
// new work whose announcement was lost this long after it fell due. Each
// sweep costs a queue one lease (a write that finds nothing, usually) and
// one read of when work is next due.
const ClusterSweep = 5 * time.Second

// Engine is the delivery engine: it leases due work, hands it to the
// transport for its route kind, records the outcome, and sends the
// originator what it is owed.
type Engine struct {
	st       Store
	mm1      *queue.Queue[mms.Delivery, mms.Outcome]
	pages    *queue.Queue[mms.Delivery, mms.Outcome]
	peers    *queue.Queue[mms.Delivery, mms.Outcome]
	vasps    *queue.Queue[mms.Delivery, mms.Outcome]
	outbox   *queue.Queue[mms.OutboxMail, mms.OutboxOutcome]
	reports  *Outbox
	leases   []*queue.Leases // of the deliveries and of the outbox, renewed while the engine runs
	handsets *Handsets
	answers  *Answers
	receipts receipts
	retain   time.Duration
	log      *slog.Logger
}

// OutboxStore is the store's outbox, leased like the recipients' rows.
type OutboxStore = queue.Store[mms.OutboxMail, mms.OutboxOutcome]

// New returns the engine over st and its outbox. It does nothing until Run.
//
// The four queues of recipients share their leases, and so renew them in
// one write per renewal; the outbox's are another table's, renewed in
// another.
func New(st Store, outbox OutboxStore, t Transports, cfg Config, log *slog.Logger) *Engine {
	held := queue.NewLeases(st, cfg.Owner, cfg.LeaseFor, nil, log)
	heldMail := queue.NewLeases(outbox, cfg.Owner, cfg.LeaseFor, nil, log)
	q := func(routes ...mms.Route) queue.Config {
		return queue.Config{Leases: held, Routes: routes, Ready: t.Ready, MaxIdle: cfg.Sweep}
	}
	pagePolicy := MM1Policy{MaxNotifications: 1}
	mm1Policy := cfg.MM1
	mm1Policy.WebLink = t.Pages
	peers, vasps := q(mms.AllPeers), q(mms.AllVASPs)
	peers.Ready, vasps.Ready = nil, nil // MM4 and MM7 need no SMS link
	notify, pageNotify := NewMM1(st, t.Notify, mm1Policy, nil), NewMM1(st, t.Pages, pagePolicy, nil)
	notify.observer, pageNotify.observer = cfg.Observer, cfg.Observer
	reports := NewOutbox(st, t.Reports, log, nil)
	e := &Engine{
		st:       st,
		mm1:      queue.New(st, observe(notify, cfg.Observer), q(mms.RouteMM1), log),
		pages:    queue.New(st, observe(pageNotify, cfg.Observer), q(mms.RouteWAPPush, mms.RouteWebLink), log),
		peers:    queue.New(st, observe(NewMM4(st, st, t.Peers, cfg.MM4, nil), cfg.Observer), peers, log),
		vasps:    queue.New(st, observe(NewMM7(st, st, t.VASPs, RetryPolicy{}, nil), cfg.Observer), vasps, log),
		outbox:   queue.New(outbox, reports, queue.Config{Leases: heldMail, MaxIdle: cfg.Sweep}, log),
		reports:  reports,
		leases:   []*queue.Leases{held, heldMail},
		handsets: NewHandsets(st),
		answers:  NewAnswers(st, log, nil),
		receipts: make(receipts, receiptBuffer),
		retain:   cfg.Retain,
		log:      log,
	}
	st.OnOutbox(e.outbox.Wake)
	st.OnWork(e.wakeRoute)
	return e
}

// Run delivers until ctx ends, then waits for the attempts in flight to be
// recorded. Their leases are renewed until then.
func (e *Engine) Run(ctx context.Context) {
	renew, stopRenewing := context.WithCancel(context.WithoutCancel(ctx))
	var renewing sync.WaitGroup
	for _, l := range e.leases {
		renewing.Go(func() { l.Run(renew) })
	}
	defer renewing.Wait()
	defer stopRenewing()
	var wg sync.WaitGroup
	for _, run := range []func(context.Context){
		func(ctx context.Context) { e.mm1.Run(ctx) },
		func(ctx context.Context) { e.pages.Run(ctx) },
		func(ctx context.Context) { e.peers.Run(ctx) },
		func(ctx context.Context) { e.vasps.Run(ctx) },
		func(ctx context.Context) { e.outbox.Run(ctx) },
		func(ctx context.Context) { e.receipts.record(ctx, e.st, e.log) },
		func(ctx context.Context) { purge(ctx, e.st, e.retain, e.log) },
	} {
		wg.Add(1)
		go func() { defer wg.Done(); run(ctx) }()
	}
	wg.Wait()
}

// Handsets records what handsets say about their recipients (for the mm1
// and web edges).
func (e *Engine) Handsets() *Handsets { return e.handsets }

// Answers records what peer MMSCs answer about our forwards (for the MM4
// ingress).
func (e *Engine) Answers() *Answers { return e.answers }

// Reaches says whether the originator of m has somewhere to take what it
// is owed (Reporter.Reaches), for the accept path.
func (e *Engine) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	return e.reports.Reaches(ctx, m, report)
}

// Wake starts the delivery of a message just accepted: it wakes the
// queues that have work in it (a needless wake costs a lease, a write).
func (e *Engine) Wake(m *mms.Message) {
	for _, rc := range m.Recipients {
		e.wakeRoute(rc.Route) // a queue's Wake is cheap to repeat: it coalesces
	}
	if len(m.Outbox) > 0 {
		e.outbox.Wake()
	}
}

// wakeRoute wakes the queue that delivers on route r: for a new message
// here, or for work another node announced.
func (e *Engine) wakeRoute(r mms.Route) {
	switch {
	case r == mms.AllRoutes:
		e.mm1.Wake()
		e.pages.Wake()
		e.peers.Wake()
		e.vasps.Wake()
	case r == mms.RouteMM1:
		e.mm1.Wake()
	case r == mms.RouteWAPPush || r == mms.RouteWebLink:
		e.pages.Wake()
	case r.IsPeer():
		e.peers.Wake()
	default:
		if _, ok := r.VASP(); ok {
			e.vasps.Wake()
		}
	}
}
