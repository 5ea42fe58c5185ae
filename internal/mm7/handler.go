package mm7

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Accounts finds VASP accounts; mms.ErrNotFound when there is none.
type Accounts interface {
	Account(ctx context.Context, name string) (vasp.Account, error)
}

// Acceptor is the accept path: it takes a message and returns once it is
// durable. An error marked mms.Permanent is the message's fault.
type Acceptor interface {
	Accept(ctx context.Context, m *mms.Message) (mms.MessageID, error)
}

// Canceller withdraws a message for the account that submitted it (the
// delivery engine); mms.ErrNotFound when it has no such message.
type Canceller interface {
	Cancel(ctx context.Context, account string, id mms.MessageID) (int, error)
}

// Replacer gives a message new content for the account that submitted it
// (the accept path); mms.ErrNotFound when it has no such message.
type Replacer interface {
	Replace(ctx context.Context, account string, id mms.MessageID, contentType string, parts []mms.Part) error
}

// Messages finds a stored message; mms.ErrNotFound if there is none.
type Messages interface {
	Head(ctx context.Context, id mms.MessageID) (*mms.Message, error)
}

// Config is the [mm7] policy.
type Config struct {
	// Linked, if set, checks that a SubmitReq's LinkedID names a message
	// of ours (2006 otherwise).
	Linked Messages
	// Replace takes ReplaceReqs; nil refuses them as unsupported.
	Replace Replacer
	// Cancel takes CancelReqs; nil refuses them as unsupported.
	Cancel Canceller
	// MaxMessage bounds a request's body; 0 means DefaultMaxMessage.
	MaxMessage int64
	// Logins decides HTTP Basic logins, shared with MM4; nil: a gate
	// of its own that throttles nothing.
	Logins *vasp.Gate
	Now    func() time.Time
	// Observer, if set, is told of every request refused.
	Observer Observer
}

// Observer is told why a VASP's request was refused, as the answer's MM7
// status (or HTTP 401) says.
type Observer interface {
	Refused(why mms.Refusal)
}

// DefaultMaxMessage is MM4's default limit, so that a VASP may send the
// same messages by either interface.
const DefaultMaxMessage = 2 << 20

// Handler serves MM7 for VASPs.
type Handler struct {
	accounts Accounts
	accept   Acceptor
	cfg      Config
	log      *slog.Logger
}

// New returns the MM7 handler.
func New(accounts Accounts, accept Acceptor, cfg Config, log *slog.Logger) *Handler {
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = DefaultMaxMessage
	}
	if cfg.Logins == nil {
		cfg.Logins = vasp.NewGate(nil, cfg.Now)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{accounts: accounts, accept: accept, cfg: cfg, log: log}
}

// Register mounts the handler at prefix/mm7.
func (h *Handler) Register(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("POST "+strings.TrimRight(prefix, "/")+"/mm7", h.serve)
}

// xmlMargin is what a request may carry beyond MaxMessage: its envelope
// and MIME framing.
const xmlMargin = 64 << 10

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	ip := remoteIP(r)
	acct, ok, err := h.login(r, ip)
	if err != nil {
		h.log.Error("mm7: account lookup failed", "remote", ip, "err", err)
		h.fault(w, "", "", mm7soap.Status{Code: mm7soap.ServiceUnavailable, Details: "accounts cannot be read now; try again"})
		return
	}
	if !ok {
		h.refused(mms.RefusedAuth)
		w.Header().Set("WWW-Authenticate", `Basic realm="mmsc"`)
		http.Error(w, "MM7 needs the credentials of a VASP account (HTTP Basic)", http.StatusUnauthorized)
		return
	}
	limit := h.cfg.MaxMessage + xmlMargin
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		h.fault(w, "", "", mm7soap.Status{Code: mm7soap.ValidationError, Details: "the request body could not be read"})
		return
	}
	if int64(len(body)) > limit {
		h.fault(w, "", "", mm7soap.Status{Code: mm7soap.ContentRefused,
			Details: fmt.Sprintf("the request is over the %d octets this MMSC takes", h.cfg.MaxMessage)})
		return
	}
	req, err := mm7soap.Read(r.Header.Get("Content-Type"), body)
	status := mm7soap.StatusOf(err)
	switch {
	case err != nil && (req == nil || status.Code >= 4000):
		ns, version := "", ""
		if req != nil {
			ns, version = req.Namespace, req.Version
		}
		h.log.Warn("mm7: request refused", "vasp", acct.Name, "remote", ip, "code", status.Code, "details", status.Details)
		h.fault(w, ns, version, status)
		return
	case err != nil:
		h.answer(w, mm7soap.ResponseTo(req, status))
		return
	}
	switch req.Op {
	case "SubmitReq":
		h.answer(w, h.submit(r.Context(), acct, req, body))
	case "ReplaceReq":
		if h.cfg.Replace == nil {
			h.fault(w, req.Namespace, req.Version, mm7soap.Status{Code: mm7soap.UnsupportedOperation, Details: "ReplaceReq is not taken here"})
			return
		}
		h.answer(w, h.replace(r.Context(), acct, req))
	case "CancelReq":
		if h.cfg.Cancel == nil {
			h.fault(w, req.Namespace, req.Version, mm7soap.Status{Code: mm7soap.UnsupportedOperation, Details: "CancelReq is not taken here"})
			return
		}
		h.answer(w, h.cancel(r.Context(), acct, req))
	default:
		h.fault(w, req.Namespace, req.Version, mm7soap.Status{Code: mm7soap.UnsupportedOperation,
			Details: req.Op + " is not taken by this MMSC yet"})
	}
}

// login is the account the request is from: by HTTP Basic credentials,
// else the account named by the peer's address (an IP account). An error
// is trouble reading the accounts, not a refusal.
func (h *Handler) login(r *http.Request, ip netip.Addr) (vasp.Account, bool, error) {
	user, pass, basic := r.BasicAuth()
	if !basic {
		if !ip.IsValid() {
			return vasp.Account{}, false, nil
		}
		a, err := h.accounts.Account(r.Context(), ip.String())
		if errors.Is(err, mms.ErrNotFound) {
			return vasp.Account{}, false, nil
		}
		return a, err == nil, err
	}
	// HTTP Basic sends the password with every request: the gate's memory
	// of accepted passwords spares a bcrypt per message.
	a, err := h.cfg.Logins.Login(ip, user, pass, func(name string) (vasp.Account, bool, error) {
		a, err := h.accounts.Account(r.Context(), name)
		if errors.Is(err, mms.ErrNotFound) {
			return a, false, nil
		}
		return a, err == nil, err
	})
	switch {
	case errors.Is(err, vasp.ErrThrottled):
		h.log.Warn("mm7: login refused: throttled", "remote", ip, "account", user, "err", err)
		return vasp.Account{}, false, nil
	case errors.Is(err, vasp.ErrLoginFailed):
		h.log.Warn("mm7: login failed", "remote", ip, "account", user, "reason", err.Error())
		return vasp.Account{}, false, nil
	case err != nil:
		return vasp.Account{}, false, err
	}
	return a, true, nil
}

func remoteIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// answer writes a response with HTTP 200, whatever its status.
func (h *Handler) answer(w http.ResponseWriter, rsp mm7soap.Response) {
	if why, ok := refusal(rsp.Status.Code); ok {
		h.refused(why)
	}
	w.Header().Set("Content-Type", mm7soap.ContentType)
	w.WriteHeader(http.StatusOK)
	w.Write(rsp.XML())
}

// fault writes a SOAP Fault with HTTP 500 (SOAP 1.1).
func (h *Handler) fault(w http.ResponseWriter, namespace, version string, status mm7soap.Status) {
	if why, ok := refusal(status.Code); ok {
		h.refused(why)
	}
	w.Header().Set("Content-Type", mm7soap.ContentType)
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(mm7soap.Fault(namespace, version, status))
}
