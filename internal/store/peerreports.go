package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	// Our forwards carry the VASP's X-Mms-Message-ID, or "<id>@<domain>"
	// when it had none.
	messagesByMM4IDSQL = `SELECT id FROM messages WHERE mm4_message_id = $1 OR id = $2`

	peerRecipientsSQL = `SELECT id, address, state FROM deliveries WHERE message_id = $1 AND route LIKE 'mm4:%'`

	// A peer's report may move a forwarded recipient on: the peer knows
	// what happened next.
	peerReportSQL = `UPDATE deliveries SET state = $1, last_error = $2, updated = $3
WHERE id = $4 AND state IN ('` + string(mms.StateSent) + `', '` + string(mms.StateForwarded) + `')`

	insertMailSQL = `INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, state, next_attempt_at, updated)
VALUES ($1, $2, $3, $4, $5, $6, '` + string(mms.OutboxQueued) + `', $7, $7)`
)

// PeerReport records what a peer MMSC's delivery report says of one of our
// forwards: the recipient of message mm4MessageID whose number is number
// (its tail will do, since peers rewrite prefixes) moves to state, when
// it is sent or forwarded. It returns the message and whether a recipient
// matched; a move the originator asked to hear of queues its report, in the
// same write.
func (s *Store) PeerReport(ctx context.Context, mm4MessageID, number string, state mms.State, reason string, now time.Time) (mms.MessageID, bool, error) {
	var (
		msg    mms.MessageID
		found  bool
		report bool
	)
	idPart, _, _ := strings.Cut(mm4MessageID, "@")
	err := s.w.do(ctx, 0, func(b *batch) error {
		msg, found, report = "", false, false
		rows, err := b.query(messagesByMM4IDSQL, mm4MessageID, idPart)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			rows, err := b.query(peerRecipientsSQL, id)
			if err != nil {
				return err
			}
			var did int64
			var before mms.State
			for rows.Next() {
				var addr, st string // st: the state is read again under the lock by stateBefore
				rows.Scan(&did, &addr, &st)
				if mms.SameNumber(addr, number, mms.NumberTail) {
					found = true
					break
				}
			}
			rows.Close()
			if !found {
				continue
			}
			msg = mms.MessageID(id)
			if before, err = s.stateBefore(b, did); err != nil {
				return err
			}
			if err := s.event(b, peerReportEventSQL, now, mms.EventPeerReport, state, reason, did); err != nil {
				return err
			}
			if _, err := b.exec(peerReportSQL, string(state), reason, millis(now), did); err != nil {
				return err
			}
			report, err = noteChange(b, did, before, now)
			return err
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("store: peer report on %s: %w", mm4MessageID, err)
	}
	if report {
		s.wakeOutbox()
	}
	if found && state.Final() {
		s.wakeFinal()
	}
	return msg, found, nil
}

// QueueMail puts a mail about message id in the outbox, for account vasp's
// report endpoint.
func (s *Store) QueueMail(ctx context.Context, id mms.MessageID, vasp string, m mms.Mail, now time.Time) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		_, err := b.exec(insertMailSQL, string(id), vasp, m.Kind, m.From, m.To, notNull(m.Data), millis(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: queue %s about %s: %w", m.Kind, id, err)
	}
	s.wakeOutbox()
	return nil
}

// MessageByMM4ID finds our message that a peer names by X-Mms-Message-ID
// (the VASP's, or "<id>@<domain>" when it gave none); mms.ErrNotFound if none.
func (s *Store) MessageByMM4ID(ctx context.Context, mm4MessageID string) (mms.MessageID, error) {
	idPart, _, _ := strings.Cut(mm4MessageID, "@")
	var id string
	err := s.read.QueryRowContext(ctx, messagesByMM4IDSQL, mm4MessageID, idPart).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: message %s: %w", mm4MessageID, err)
	}
	return mms.MessageID(id), nil
}
