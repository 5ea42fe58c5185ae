package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// AnswerStore finds the recipient a peer's answer is about and records it.
type AnswerStore interface {
	DeliveryByTransaction(ctx context.Context, tid string) (mms.Delivery, error)
	Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error)
	PeerReport(ctx context.Context, mm4MessageID, number string, state mms.State, reason string, now time.Time) (mms.MessageID, bool, error)
	MessageByMM4ID(ctx context.Context, mm4MessageID string) (mms.MessageID, error)
	ReadReport(ctx context.Context, id mms.MessageID, address, status string, at, now time.Time) error
	QueueMail(ctx context.Context, id mms.MessageID, vasp string, m mms.Mail, now time.Time) error
}

// Answers takes what peer MMSCs send back about messages we forwarded.
type Answers struct {
	st     AnswerStore
	system string        // our system address, the sender of our responses
	retry  time.Duration // wait before forwarding again after a transient refusal
	now    func() time.Time
	log    *slog.Logger
}

// NewAnswers returns the taker of peer answers; system is our MM4 system
// address. now nil means time.Now.
func NewAnswers(st AnswerStore, system string, log *slog.Logger, now func() time.Time) *Answers {
	if now == nil {
		now = time.Now
	}
	return &Answers{st: st, system: system, retry: DefaultRetryMin, now: now, log: log}
}

// peerStates is what a peer's X-Mms-MM-Status-Code makes of the recipient
// (TS 23.140 §8.4.3). Indeterminate says nothing new.
var peerStates = map[string]mms.State{
	mm4.MMStatusRetrieved: mms.StateRetrieved, mm4.MMStatusRejected: mms.StateRejected,
	mm4.MMStatusExpired: mms.StateExpired, mm4.MMStatusDeferred: mms.StateDeferred,
	mm4.MMStatusForwarded: mms.StateForwarded, mm4.MMStatusUnrecognised: mms.StateFailed,
}

// deliveryReport applies a peer's MM4_delivery_report.REQ about one of our
// forwards: the recipient takes the state it reports, and the originator,
// if it asked, gets our own report of it (queued by the store). A report
// that names no forward of ours is logged and changes nothing. When the
// peer asked, its MM4_delivery_report.RES is queued for its report
// endpoint: Ok, or Error-message-not-found.
func (a *Answers) deliveryReport(ctx context.Context, peer string, r *mm4.DeliveryReport) error {
	now := a.now()
	var (
		msg   mms.MessageID
		found bool
	)
	if state, ok := peerStates[r.MMStatus]; ok {
		var err error
		msg, found, err = a.st.PeerReport(ctx, r.MessageID, r.From, state, cmp.Or(r.StatusText, "peer reported "+r.MMStatus), now)
		if err != nil {
			return fmt.Errorf("delivery: delivery report: %w", err)
		}
	}
	a.log.Info("mm4: delivery report received", "peer", peer, "message_id", r.MessageID, "recipient", r.From,
		"status", r.MMStatus, "message", msg, "matched", found)
	if !r.AckRequest || msg == "" {
		// A RES about a message we do not hold has no message to be
		// stored with; the peer's retry policy copes with its absence.
		return nil
	}
	res, err := mm4.BuildResponse(mm4.Response{Type: mm4.TypeDeliveryReportRes, TransactionID: r.TransactionID,
		MessageID: r.MessageID, Status: mm4.StatusOk, From: a.system, To: r.OriginatorSystem, Date: now})
	if err != nil {
		a.log.Warn("mm4: no MM4_delivery_report.RES for this report", "peer", peer, "err", err)
		return nil
	}
	return a.st.QueueMail(ctx, msg, peer, mms.Mail{Kind: mm4.TypeDeliveryReportRes, From: a.system, To: r.OriginatorSystem, Data: res}, now)
}

// readReport records a peer's MM4_read_reply_report.REQ about one of our
// messages as a read report, which reaches the originator as our own when
// it asked (queued by the store), and answers with the .RES if asked.
func (a *Answers) readReport(ctx context.Context, peer string, r *mm4.ReadReport) error {
	now := a.now()
	msg, err := a.st.MessageByMM4ID(ctx, r.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		a.log.Warn("mm4: read report about no message of ours; ignored", "peer", peer, "message_id", r.MessageID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("delivery: read report: %w", err)
	}
	status := "read"
	if r.ReadStatus != mm4.ReadStatusRead {
		status = "deleted"
	}
	if err := a.st.ReadReport(ctx, msg, r.From, status, orTime(r.Date, now), now); err != nil {
		return fmt.Errorf("delivery: read report: %w", err)
	}
	a.log.Info("mm4: read report received", "peer", peer, "message", msg, "reader", r.From, "status", status)
	if !r.AckRequest {
		return nil
	}
	res, err := mm4.BuildResponse(mm4.Response{Type: mm4.TypeReadReplyReportRes, TransactionID: r.TransactionID,
		MessageID: r.MessageID, Status: mm4.StatusOk, From: a.system, To: r.OriginatorSystem, Date: now})
	if err != nil {
		a.log.Warn("mm4: no MM4_read_reply_report.RES for this report", "peer", peer, "err", err)
		return nil
	}
	return a.st.QueueMail(ctx, msg, peer, mms.Mail{Kind: mm4.TypeReadReplyReportRes, From: a.system, To: r.OriginatorSystem, Data: res}, now)
}

func orTime(t, otherwise time.Time) time.Time {
	if t.IsZero() {
		return otherwise
	}
	return t
}

// ForwardResponse applies an MM4_forward.RES to the recipient whose forward
// carried its Transaction-ID (TS 23.140 §8.4.2): Ok makes it forwarded, a
// transient error sends it again, any other error fails it with the peer's
// status. An answer that names no forward of ours is logged and changes
// nothing: peers retry what we refuse, and there is nothing to fix.
func (a *Answers) ForwardResponse(ctx context.Context, peer string, res *mm4.Response) error {
	d, err := a.st.DeliveryByTransaction(ctx, res.TransactionID)
	if errors.Is(err, mms.ErrNotFound) || (err == nil && !d.Route.IsPeer()) {
		a.log.Warn("mm4: MM4_forward.RES for no forward of ours; ignored", "peer", peer,
			"transaction_id", res.TransactionID, "message_id", res.MessageID, "status", res.Status)
		return nil
	}
	if err != nil {
		return fmt.Errorf("delivery: forward response: %w", err)
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
		return fmt.Errorf("delivery: forward response: %w", err)
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
		return a.deliveryReport(ctx, vasp, p.DeliveryReport)
	case p.ReadReport != nil:
		return a.readReport(ctx, vasp, p.ReadReport)
	case p.Response != nil:
		a.log.Info("mm4: report acknowledged", "peer", vasp, "type", p.Type, "message_id", p.Response.MessageID, "status", p.Response.Status)
	default:
		return fmt.Errorf("delivery: answer: %s carries nothing", p.Type)
	}
	return nil
}
