package mm1

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Store is what the handset side reads.
type Store interface {
	DeliveryByToken(ctx context.Context, token string) (mms.Delivery, error)
	DeliveryByTransaction(ctx context.Context, tid string) (mms.Delivery, error)
	Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error)
	// Submitted finds the message sender submitted over iface with
	// Transaction-ID tid at or after since; mms.ErrNotFound if none.
	Submitted(ctx context.Context, iface mms.Interface, sender, tid string, since time.Time) (mms.MessageID, error)
}

// Acceptor is the accept path: it takes a message and returns once it is
// durable. An error marked mms.Permanent is the message's fault.
type Acceptor interface {
	Accept(ctx context.Context, m *mms.Message) (mms.MessageID, error)
}

// Recorder records what handsets say (the delivery engine's Handsets):
// an answer moves a recipient to state; a read report is kept for the
// originator. Answer reports whether the state changed.
type Recorder interface {
	Answer(ctx context.Context, id int64, state mms.State, reason string, now time.Time) (bool, error)
	ReadReport(ctx context.Context, r mms.ReadReport, now time.Time) (bool, error)
}

// Config is the [mm1] policy the handler applies.
type Config struct {
	// MSISDNHeaders name the headers a WAP gateway puts the subscriber's
	// number in; the first one present is checked.
	MSISDNHeaders []string
	// TrustedProxies are the peers (the WAP gateway, the GGSN's proxy)
	// whose MSISDN header is believed; a header from any other peer is
	// ignored. nil means DefaultTrustedProxies; empty trusts nobody.
	TrustedProxies []netip.Prefix
	// MaxPDU bounds a POSTed answer (notify-response, acknowledgement, read
	// report); 0 means DefaultMaxPDU.
	MaxPDU int64
	// MaxMessage bounds an m-send-req; 0 means DefaultMaxMessage.
	MaxMessage int64
	// Accept takes what handsets send; nil refuses m-send-req.
	Accept Acceptor
	Now    func() time.Time
	// Observer, if set, is told of every m-send-req and m-forward-req
	// refused.
	Observer Observer
}

// Observer is told why a handset's message was refused, as its
// m-send-conf or m-forward-conf status says.
type Observer interface {
	Refused(why mms.Refusal)
}

// DefaultMaxMessage admits a camera photo of 700–800 KB with room to
// spare (OMA's Megapixel content class is 600 KB).
const DefaultMaxMessage = 1 << 20

// DefaultTrustedProxies is the loopback: a gateway on the same host.
var DefaultTrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}

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
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = DefaultMaxMessage
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = DefaultTrustedProxies
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
		// A browser handed a retrieval URL must not guess the PDU, or an
		// error's text, to be a page.
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := fn(w, r); err != nil {
			reply(w, r, err, h.log)
		}
	}
}

// msisdn is the subscriber number the gateway vouches for, or "": a
// handset proves nothing about itself, so the header counts only from a
// trusted proxy. A header given twice, or headers that name different
// numbers, are refused: something between the handset and us added one,
// and we cannot tell which to believe. The error says which, to show.
func (h *Handler) msisdn(r *http.Request) (string, error) {
	if !h.trusted(r) {
		return "", nil
	}
	number := ""
	for _, name := range h.cfg.MSISDNHeaders {
		vs := r.Header.Values(name)
		if len(vs) > 1 {
			return "", errors.New("the " + name + " header is given more than once")
		}
		v := ""
		if len(vs) == 1 {
			v = strings.TrimSpace(vs[0])
		}
		switch {
		case v == "":
		case number == "":
			number = v
		case !mms.SameNumber(number, v, mms.WholeNumber):
			return "", errors.New("the MSISDN headers name different numbers")
		}
	}
	return number, nil
}

// forRecipient refuses a request about d from a subscriber the gateway
// says is someone else.
func (h *Handler) forRecipient(r *http.Request, d mms.Delivery) error {
	n, err := h.msisdn(r)
	if err != nil {
		return httperr.New(http.StatusBadRequest, err.Error(), err)
	}
	if n != "" && !mms.SameNumber(n, d.Address, mms.WholeNumber) {
		return httperr.New(http.StatusForbidden, "this message is for another subscriber",
			errors.New("MSISDN "+n+" is not the recipient "+d.Address))
	}
	return nil
}

// trusted reports whether the request's TCP peer is a trusted proxy.
func (h *Handler) trusted(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range h.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
