package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Messages finds messages for listing, and what happened to each
// recipient.
type Messages interface {
	FindMessages(ctx context.Context, q mms.MessageQuery) ([]mms.Summary, error)
	Events(ctx context.Context, id mms.MessageID) ([]mms.Event, error)
	Stats(ctx context.Context, now time.Time) (mms.Stats, error)
}

// Accounts keeps VASP accounts.
type Accounts interface {
	Accounts(ctx context.Context) ([]vasp.Account, error)
	Account(ctx context.Context, name string) (vasp.Account, error)
	AddAccount(ctx context.Context, a vasp.Account) error
	UpdateAccount(ctx context.Context, a vasp.Account) error
	RemoveAccount(ctx context.Context, name string) error
}

// Routes keeps the routing table (MM4 peers among it).
type Routes interface {
	Routes(ctx context.Context) (route.Table, error)
	AddRoute(ctx context.Context, r route.Route) error
	UpdateRoute(ctx context.Context, r route.Route) error
	RemoveRoute(ctx context.Context, name string) error
}

// Recipients is the delivery engine, the only writer of recipient state.
type Recipients interface {
	Resend(ctx context.Context, id mms.MessageID, address string) error
	CancelRecipient(ctx context.Context, id mms.MessageID, address string) error
}

// Outbox lists what is owed to a message's originator.
type Outbox interface {
	ForMessage(ctx context.Context, id mms.MessageID) ([]mms.OutboxMail, error)
}

// Backend is everything the admin edge reads and changes.
type Backend struct {
	Messages   Messages
	Outbox     Outbox
	Accounts   Accounts
	Routes     Routes
	Recipients Recipients
	// Ready reports what keeps the node from serving (the store not
	// writable, a listener down); nil when it is ready.
	Ready func(ctx context.Context) error
	// SMSC says whether the SMS link is bound; nil when there is none.
	SMSC func() bool
	// Metrics, when set, is served at /metrics.
	Metrics http.Handler
}

// Config is the edge's policy.
type Config struct {
	Token string // the bearer token every request but /healthz must carry
	// Throttle counts wrong tokens per address; nil: none.
	Throttle *vasp.Throttle
	Now      func() time.Time
}

// Admin serves the operator.
type Admin struct {
	b   Backend
	cfg Config
	log *slog.Logger
}

// New returns the admin edge over b.
func New(b Backend, cfg Config, log *slog.Logger) *Admin {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Throttle == nil {
		cfg.Throttle = vasp.NewThrottle(0, 0, cfg.Now)
	}
	return &Admin{b: b, cfg: cfg, log: log}
}

// Handler routes the API, health, metrics and the console. Only /healthz
// and /readyz answer without the token (a load balancer's probe carries
// none); the console's pages take a session its login page gives for the
// token.
func (a *Admin) Handler() http.Handler {
	api := http.NewServeMux()
	api.HandleFunc("GET /api/v1/messages", a.listMessages)
	api.HandleFunc("GET /api/v1/messages/{id}", a.getMessage)
	api.HandleFunc("POST /api/v1/messages/{id}/recipients/{address}/resend", a.resend)
	api.HandleFunc("POST /api/v1/messages/{id}/recipients/{address}/cancel", a.cancel)
	api.HandleFunc("GET /api/v1/stats", a.stats)
	a.vasps().register(api)
	a.routes().register(api)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	if a.b.Metrics != nil {
		api.Handle("GET /metrics", a.b.Metrics)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("/api/", a.authorized(api))
	mux.Handle("/metrics", a.authorized(api))
	a.registerConsole(mux)
	return mux
}
