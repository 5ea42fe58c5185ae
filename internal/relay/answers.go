package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/store"
)

// AnswerStore finds the recipient a peer's answer is about and records it.
type AnswerStore interface {
	DeliveryByTransaction(ctx context.Context, tid string) (store.Delivery, error)
	Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error)
}

// Answers takes what peer MMSCs send back about messages we forwarded.
type Answers struct {
	st    AnswerStore
	retry time.Duration // wait before forwarding again after a transient refusal
	now   func() time.Time
	log   *slog.Logger
}

// NewAnswers returns the taker of peer answers. now nil means time.Now.
func NewAnswers(st AnswerStore, log *slog.Logger, now func() time.Time) *Answers {
	if now == nil {
		now = time.Now
	}
	return &Answers{st: st, retry: DefaultRetryMin, now: now, log: log}
}

// ForwardResponse applies an MM4_forward.RES to the recipient whose forward
// carried its Transaction-ID (TS 23.140 §8.4.2): Ok makes it forwarded, a
// transient error sends it again, any other error fails it with the peer's
// status. An answer that names no forward of ours is logged and changes
// nothing: peers retry what we refuse, and there is nothing to fix.
func (a *Answers) ForwardResponse(ctx context.Context, peer string, res *mm4.Response) error {
	d, err := a.st.DeliveryByTransaction(ctx, res.TransactionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !strings.HasPrefix(string(d.Route), string(route.KindMM4)+":")) {
		a.log.Warn("mm4: MM4_forward.RES for no forward of ours; ignored", "peer", peer,
			"transaction_id", res.TransactionID, "message_id", res.MessageID, "status", res.Status)
		return nil
	}
	if err != nil {
		return fmt.Errorf("relay: forward response: %w", err)
	}
	now := a.now()
	state, next, reason := mms.StateForwarded, now, ""
	switch mm4.ClassifyStatus(res.Status) {
	case mm4.Success:
	case mm4.TransientFailure:
		state, next, reason = mms.StateQueued, now.Add(a.retry), "temporary: peer answered "+res.Status
	default:
		state, reason = mms.StateFailed, "peer answered "+res.Status
	}
	if res.StatusText != "" {
		reason += ": " + res.StatusText
	}
	changed, err := a.st.Answer(ctx, d.ID, state, next, reason, now)
	if err != nil {
		return fmt.Errorf("relay: forward response: %w", err)
	}
	a.log.Info("mm4: forward answered", "peer", peer, "message", d.MessageID, "to", d.Address,
		"status", res.Status, "state", state, "changed", changed)
	return nil
}

// Answer takes any MM4 PDU other than a forward request from account vasp.
// Responses to our forwards settle their recipient. Reports from peers are
// logged; relaying them to the original sender comes with report
// delivery. A response to a report of ours needs nothing.
func (a *Answers) Answer(ctx context.Context, vasp string, p *mm4.PDU) error {
	switch {
	case p.Type == mm4.TypeForwardRes && p.Response != nil:
		return a.ForwardResponse(ctx, vasp, p.Response)
	case p.DeliveryReport != nil:
		r := p.DeliveryReport
		a.log.Info("mm4: delivery report received", "peer", vasp, "message_id", r.MessageID, "recipient", r.From, "status", r.MMStatus)
	case p.ReadReport != nil:
		r := p.ReadReport
		a.log.Info("mm4: read report received", "peer", vasp, "message_id", r.MessageID, "reader", r.From, "status", r.ReadStatus)
	case p.Response != nil:
		a.log.Info("mm4: report acknowledged", "peer", vasp, "type", p.Type, "message_id", p.Response.MessageID, "status", p.Response.Status)
	default:
		return fmt.Errorf("relay: answer: %s carries nothing", p.Type)
	}
	return nil
}
