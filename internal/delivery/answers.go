package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// AnswerStore finds the recipient a peer's answer is about and records it.
type AnswerStore interface {
	DeliveryByTransaction(ctx context.Context, tid string) (mms.Delivery, error)
	Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error)
	PeerReport(ctx context.Context, mm4MessageID, number string, state mms.State, reason string, now time.Time) (mms.MessageID, bool, error)
	MessageByMM4ID(ctx context.Context, mm4MessageID string) (mms.MessageID, error)
	ReadReport(ctx context.Context, r mms.ReadReport, from mms.Readers, now time.Time) (bool, error)
	QueueMail(ctx context.Context, id mms.MessageID, vasp string, m mms.Mail, now time.Time) error
}

// Answers records what peer MMSCs answer about the messages we forwarded
// them, in the vocabulary's words; the ingress of their interface (MM4:
// package smtpd) reads their PDUs and writes the responses they are owed.
type Answers struct {
	st    AnswerStore
	retry time.Duration // wait before forwarding again after a transient refusal
	now   func() time.Time
	log   *slog.Logger
}

// NewAnswers returns the recorder of peer answers. now nil means time.Now.
func NewAnswers(st AnswerStore, log *slog.Logger, now func() time.Time) *Answers {
	if now == nil {
		now = time.Now
	}
	return &Answers{st: st, retry: DefaultRetryMin, now: now, log: log}
}

// ForwardAnswered settles the recipient whose forward carried transaction
// ID tid, as peer answered it: forwarded, failed, or queued to be
// forwarded again after a wait. An answer that names no forward of ours is
// logged and changes nothing: peers retry what we refuse, and there is
// nothing to fix.
func (a *Answers) ForwardAnswered(ctx context.Context, peer, tid string, state mms.State, reason string) error {
	d, err := a.st.DeliveryByTransaction(ctx, tid)
	if errors.Is(err, mms.ErrNotFound) || (err == nil && !d.Route.IsPeer()) {
		a.log.Warn("peer answer for no forward of ours; ignored", "peer", peer, "transaction_id", tid, "state", state,
			"reason", reason)
		return nil
	}
	if err != nil {
		return fmt.Errorf("delivery: forward answer: %w", err)
	}
	now := a.now()
	next := now
	if state == mms.StateQueued {
		next = now.Add(a.retry)
	}
	changed, err := a.st.Answer(ctx, d.ID, state, next, reason, now)
	if err != nil {
		return fmt.Errorf("delivery: forward answer: %w", err)
	}
	a.log.Info("peer answered a forward", "peer", peer, "message", d.MessageID, "to", d.Address,
		"state", state, "reason", reason, "changed", changed)
	return nil
}

// PeerDelivered applies a peer's delivery report: recipient (a number, in
// whatever prefix form the peer writes it) of our message that the peer
// knows as ref takes state, and the originator, if it asked, gets our own
// report of it (queued by the store in the same write). It returns our
// message, "" when ref names none, and whether the recipient was found.
func (a *Answers) PeerDelivered(ctx context.Context, ref, recipient string, state mms.State, reason string) (mms.MessageID, bool, error) {
	msg, found, err := a.st.PeerReport(ctx, ref, recipient, state, reason, a.now())
	if err != nil {
		return "", false, fmt.Errorf("delivery: delivery report: %w", err)
	}
	return msg, found, nil
}

// peerReaders: a peer's read report counts when it comes from a recipient
// we forwarded to a peer, its number's tail enough since peers rewrite
// prefixes (as for their delivery reports).
var peerReaders = mms.Readers{Routes: []mms.Route{mms.AllPeers}, Match: mms.NumberTail}

// PeerRead records a peer's read report about our message that it knows as
// ref: reader read it (mms.ReadStatusRead) or deleted it unread, at at,
// once per recipient. The originator hears of it when it asked. It
// returns our message, "" when ref names none; mms.ErrNotRecipient when
// reader is none of the recipients we forwarded it to.
func (a *Answers) PeerRead(ctx context.Context, ref, reader, status string, at time.Time) (mms.MessageID, error) {
	msg, err := a.st.MessageByMM4ID(ctx, ref)
	if errors.Is(err, mms.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("delivery: read report: %w", err)
	}
	r := mms.ReadReport{Message: msg, Reader: reader, Status: status, At: at}
	if _, err := a.st.ReadReport(ctx, r, peerReaders, a.now()); err != nil {
		return msg, fmt.Errorf("delivery: read report: %w", err)
	}
	return msg, nil
}

// Owe queues mail, owed to peer about our message msg (a response to its
// report), for its report endpoint.
func (a *Answers) Owe(ctx context.Context, msg mms.MessageID, peer string, mail mms.Mail) error {
	return a.st.QueueMail(ctx, msg, peer, mail, a.now())
}
