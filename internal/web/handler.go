package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Store is what the web side reads.
type Store interface {
	DeliveryByToken(ctx context.Context, token string) (mms.Delivery, error)
	Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// Recorder records a page view as the recipient's retrieval (the delivery
// engine's Handsets); it reports whether the state changed.
type Recorder interface {
	Answer(ctx context.Context, id int64, state mms.State, reason string, now time.Time) (bool, error)
}

// Config is the [web] policy the handler applies.
type Config struct {
	// ExpireAfterFirstAccess is how long a link works after the page was
	// first viewed (NowSMS's ExpireDynamicLinks); 0 means until the
	// message expires.
	ExpireAfterFirstAccess time.Duration
	Now                    func() time.Time
}

// Handler serves Multimedia WAP Push pages and their parts.
type Handler struct {
	st  Store
	rec Recorder
	cfg Config
	log *slog.Logger
}

// New returns a handler over st.
func New(st Store, rec Recorder, cfg Config, log *slog.Logger) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{st: st, rec: rec, cfg: cfg, log: log}
}

// Register mounts the handler under prefix (the path of the public URL,
// "" or "/mmsc"): GET and HEAD on prefix/w/{token} (the page) and on
// prefix/w/{token}/{n} (part n of the message).
func (h *Handler) Register(mux *http.ServeMux, prefix string) {
	prefix = strings.TrimRight(prefix, "/")
	mux.HandleFunc("GET "+prefix+"/w/{token}", h.serve(func(w http.ResponseWriter, r *http.Request) error {
		return h.page(w, r, prefix)
	}))
	mux.HandleFunc("GET "+prefix+"/w/{token}/{n}", h.serve(h.part))
}

func (h *Handler) serve(fn func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			reply(w, r, err, h.log)
		}
	}
}

// errExpired is what the recipient is told about a link that worked once.
const errExpired = "This message has expired"

// open finds the recipient behind the request's token and its message, and
// refuses links that no longer work.
func (h *Handler) open(r *http.Request, now time.Time) (mms.Delivery, *mms.Message, error) {
	ctx := r.Context()
	d, err := h.st.DeliveryByToken(ctx, r.PathValue("token"))
	if errors.Is(err, mms.ErrNotFound) {
		return d, nil, httperr.New(http.StatusNotFound, "No such message", err)
	}
	if err != nil {
		return d, nil, err
	}
	if d.Route != mms.RouteWAPPush && d.Route != mms.RouteWebLink {
		// An MM1 token is its handset's; it has no page (until the
		// message is converted to a web link).
		return d, nil, httperr.New(http.StatusNotFound, "No such message", errors.New("route "+string(d.Route)))
	}
	switch d.State {
	case mms.StateExpired, mms.StateFailed, mms.StateRejected, mms.StateCancelled:
		return d, nil, httperr.New(http.StatusGone, errExpired, errors.New(string(d.State)))
	}
	if h.cfg.ExpireAfterFirstAccess > 0 && d.State == mms.StateRetrieved {
		// Updated is the first access: the retrieved state is final, so
		// nothing moves the row afterwards except the queue releasing a
		// lease it held then, or an SMSC receipt for the push arriving
		// late. Both make Updated later, which only lengthens the link's
		// life by that much; it never ends early.
		if end := d.Updated.Add(h.cfg.ExpireAfterFirstAccess); now.After(end) {
			return d, nil, httperr.New(http.StatusGone, errExpired, errors.New("link expired at "+end.Format(time.RFC3339)))
		}
	}
	m, err := h.st.Deliverable(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		// The recipient's row is there but the content is gone: retention.
		return d, nil, httperr.New(http.StatusGone, errExpired, err)
	}
	if err != nil {
		return d, nil, err
	}
	if !now.Before(m.Expiry) {
		return d, nil, httperr.New(http.StatusGone, errExpired, errors.New("message expired at "+m.Expiry.Format(time.RFC3339)))
	}
	return d, m, nil
}

// markRetrieved records the first view of the page. It runs after the
// page went out, and is not cancelled with the request: the browser may
// close the connection as soon as it has the last byte.
func (h *Handler) markRetrieved(ctx context.Context, d mms.Delivery, m *mms.Message, now time.Time) {
	if d.State == mms.StateRetrieved {
		return // a repeated view: the first one counts
	}
	changed, err := h.rec.Answer(context.WithoutCancel(ctx), d.ID, mms.StateRetrieved, "", now)
	if err != nil {
		// The user has the page; the next view tries again, and the link
		// lives on retention alone until one succeeds.
		h.log.Error("web: could not record a page view", "message", m.ID, "to", d.Address, "err", err)
		return
	}
	h.log.Info("web: page viewed", "message", m.ID, "to", d.Address, "first", changed)
}
