package mm1

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Store is what the handset side reads.
type Store interface {
	DeliveryByToken(ctx context.Context, token string) (mms.Delivery, error)
	DeliveryByTransaction(ctx context.Context, tid string) (mms.Delivery, error)
	Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// Recorder records what handsets say (the delivery engine's Handsets):
// an answer moves a recipient to state; a read report is kept for the
// originator. Answer reports whether the state changed.
type Recorder interface {
	Answer(ctx context.Context, id int64, state mms.State, reason string, now time.Time) (bool, error)
	ReadReport(ctx context.Context, id mms.MessageID, reader, status string, at, now time.Time) error
}

// Config is the [mm1] policy the handler applies.
type Config struct {
	// MSISDNHeaders name the headers a WAP gateway puts the subscriber's
	// number in; the first one present is checked.
	MSISDNHeaders []string
	// MaxPDU bounds a POSTed PDU; 0 means DefaultMaxPDU.
	MaxPDU int64
	Now    func() time.Time
}

// DefaultMaxPDU is far above any notify-response, acknowledgement or read
// report (tens of bytes) and far below anything that could hurt.
const DefaultMaxPDU = 64 << 10

// Handler serves retrievals and takes handset answers.
type Handler struct {
	st  Store
	rec Recorder
	cfg Config
	log *slog.Logger
}

// New returns a handler over st.
func New(st Store, rec Recorder, cfg Config, log *slog.Logger) *Handler {
	if cfg.MaxPDU <= 0 {
		cfg.MaxPDU = DefaultMaxPDU
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{st: st, rec: rec, cfg: cfg, log: log}
}

// Register mounts the handler under prefix (the path of the public URL,
// "" or "/mmsc"): GET and HEAD on prefix/mms/{token} (the Content-Location
// of a notification), POST on prefix/mms.
func (h *Handler) Register(mux *http.ServeMux, prefix string) {
	prefix = strings.TrimRight(prefix, "/")
	mux.HandleFunc("GET "+prefix+"/mms/{token}", h.serve(h.retrieve))
	mux.HandleFunc("POST "+prefix+"/mms", h.serve(h.answer))
	mux.HandleFunc("POST "+prefix+"/mms/{$}", h.serve(h.answer))
}

func (h *Handler) serve(fn func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			reply(w, r, err, h.log)
		}
	}
}

// msisdn is the subscriber number the gateway vouches for, or "".
func (h *Handler) msisdn(r *http.Request) string {
	for _, name := range h.cfg.MSISDNHeaders {
		if v := strings.TrimSpace(r.Header.Get(name)); v != "" {
			return v
		}
	}
	return ""
}
