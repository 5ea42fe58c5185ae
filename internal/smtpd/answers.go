package smtpd

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

// Answers records what peers answer about the messages we forwarded them,
// in the vocabulary's words (the delivery engine's Answers). The messages
// it returns are ours, "" when the peer named none.
type Answers interface {
	ForwardAnswered(ctx context.Context, peer, tid string, state mms.State, reason string) error
	PeerDelivered(ctx context.Context, ref, recipient string, state mms.State, reason string) (mms.MessageID, bool, error)
	PeerRead(ctx context.Context, ref, reader, status string, at time.Time) (mms.MessageID, error)
	Owe(ctx context.Context, msg mms.MessageID, peer string, mail mms.Mail) error
}

// answerer reads the MM4 PDUs that are not forward requests (TS 23.140
// §8.4.2–§8.4.6) and records what they say, answering the peer with the
// response it asked for.
type answerer struct {
	rec    Answers
	system string // our system address, the sender of our responses
	now    func() time.Time
	log    *slog.Logger
}

// forwardStates is what a peer's MM4_forward.RES status makes of the
// recipient its forward carried (§8.4.2): a transient failure sends it
// again.
var forwardStates = map[mm4.StatusClass]mms.State{
	mm4.Success: mms.StateForwarded, mm4.TransientFailure: mms.StateQueued,
}

// peerStates is what a peer's X-Mms-MM-Status-Code makes of the recipient
// (§8.4.3). Indeterminate says nothing new.
var peerStates = map[string]mms.State{
	mm4.MMStatusRetrieved: mms.StateRetrieved, mm4.MMStatusRejected: mms.StateRejected,
	mm4.MMStatusExpired: mms.StateExpired, mm4.MMStatusDeferred: mms.StateDeferred,
	mm4.MMStatusForwarded: mms.StateForwarded, mm4.MMStatusUnrecognised: mms.StateFailed,
}

// take records p from peer.
func (a *answerer) take(ctx context.Context, peer string, p *mm4.PDU) error {
	switch {
	case p.Type == mm4.TypeForwardRes && p.Response != nil:
		return a.forwardResponse(ctx, peer, p.Response)
	case p.DeliveryReport != nil:
		return a.deliveryReport(ctx, peer, p.DeliveryReport)
	case p.ReadReport != nil:
		return a.readReport(ctx, peer, p.ReadReport)
	case p.Response != nil:
		a.log.Info("mm4: report acknowledged", "peer", peer, "type", p.Type, "message_id", p.Response.MessageID, "status", p.Response.Status)
	default:
		return fmt.Errorf("smtpd: answer: %s carries nothing", p.Type)
	}
	return nil
}

// forwardResponse applies an MM4_forward.RES to the recipient whose forward
// carried its Transaction-ID: Ok makes it forwarded, a transient error
// sends it again, any other error fails it with the peer's status.
func (a *answerer) forwardResponse(ctx context.Context, peer string, res *mm4.Response) error {
	class := mm4.ClassifyStatus(res.Status)
	state, ok := forwardStates[class]
	reason := ""
	switch {
	case !ok:
		state, reason = mms.StateFailed, "peer answered "+res.Status
	case class == mm4.TransientFailure:
		reason = "temporary: peer answered " + res.Status
	}
	if res.StatusText != "" {
		reason += ": " + res.StatusText
	}
	return a.rec.ForwardAnswered(ctx, peer, res.TransactionID, state, reason)
}

// deliveryReport applies a peer's MM4_delivery_report.REQ about one of our
// forwards. A report that names no forward of ours is logged and changes
// nothing. When the peer asked, its MM4_delivery_report.RES is queued for
// its report endpoint.
func (a *answerer) deliveryReport(ctx context.Context, peer string, r *mm4.DeliveryReport) error {
	var (
		msg   mms.MessageID
		found bool
	)
	if state, ok := peerStates[r.MMStatus]; ok {
		var err error
		msg, found, err = a.rec.PeerDelivered(ctx, r.MessageID, r.From, state, cmp.Or(r.StatusText, "peer reported "+r.MMStatus))
		if err != nil {
			return err
		}
	}
	a.log.Info("mm4: delivery report received", "peer", peer, "message_id", r.MessageID, "recipient", r.From,
		"status", r.MMStatus, "message", msg, "matched", found)
	if !r.AckRequest || msg == "" {
		// A RES about a message we do not hold has no message to be
		// stored with; the peer's retry policy copes with its absence.
		return nil
	}
	return a.respond(ctx, peer, msg, mm4.TypeDeliveryReportRes, r.TransactionID, r.MessageID, r.OriginatorSystem)
}

// readReport records a peer's MM4_read_reply_report.REQ about one of our
// messages as a read report, and answers with the .RES if asked.
func (a *answerer) readReport(ctx context.Context, peer string, r *mm4.ReadReport) error {
	status := mms.ReadStatusRead
	if r.ReadStatus != mm4.ReadStatusRead {
		status = mms.ReadStatusDeleted
	}
	msg, err := a.rec.PeerRead(ctx, r.MessageID, r.From, status, cmp.Or(r.Date, a.now()))
	if errors.Is(err, mms.ErrNotRecipient) {
		a.log.Warn("mm4: read report from no recipient we forwarded to; ignored", "peer", peer, "message", msg,
			"reader", r.From)
		return nil
	}
	if err != nil {
		return err
	}
	if msg == "" {
		a.log.Warn("mm4: read report about no message of ours; ignored", "peer", peer, "message_id", r.MessageID)
		return nil
	}
	a.log.Info("mm4: read report received", "peer", peer, "message", msg, "reader", r.From, "status", status)
	if !r.AckRequest {
		return nil
	}
	return a.respond(ctx, peer, msg, mm4.TypeReadReplyReportRes, r.TransactionID, r.MessageID, r.OriginatorSystem)
}

// respond queues the Ok response of type typ that peer asked for.
func (a *answerer) respond(ctx context.Context, peer string, msg mms.MessageID, typ, tid, mid, to string) error {
	res, err := mm4.BuildResponse(mm4.Response{Type: typ, TransactionID: tid, MessageID: mid, Status: mm4.StatusOk,
		From: a.system, To: to, Date: a.now()})
	if err != nil {
		a.log.Warn("mm4: no response for this report", "peer", peer, "type", typ, "err", err)
		return nil
	}
	return a.rec.Owe(ctx, msg, peer, mms.Mail{Kind: typ, From: a.system, To: to, Data: res})
}
