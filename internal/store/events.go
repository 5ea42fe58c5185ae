package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Each write that changes a recipient records what happened in
// recipient_events, in its own transaction, so the history never tells of
// a change the database does not hold, nor misses one it does. The events
// are selected from the recipient's row by the same condition the change
// has, and before it, so that the state they record as the one after is
// what the change makes of the state before (on PostgreSQL under the row's
// lock: dialect.lockRow).
//
// Every such statement takes the same first parameters: $1 the time, $2
// the kind, $3 the state the change moves the recipient to, $4 the detail,
// $5 the node; the rows are chosen from $6 on.
const insertEventSQL = `INSERT INTO recipient_events (message_id, address, at, kind, state, detail, node)
SELECT message_id, address, $1, $2, `

// The recorded state of a change to $3 that moves only rows with work
// left: $3 if the row moves, "" if it stays as it was.
const movedSQL = `CASE WHEN state IN (` + leasableStates + `) AND state <> $3 THEN $3 ELSE '' END`

// The kind and the detail of a recipient's accept, from its row's state,
// route and last_error: a recipient accepted failed had no route, and
// its error says why.
const (
	acceptKindSQL = `CASE WHEN state = '` + string(mms.StateFailed) + `' THEN '` + string(mms.EventUnroutable) +
		`' ELSE '` + string(mms.EventAccepted) + `' END`
	acceptDetailSQL = `CASE WHEN state = '` + string(mms.StateFailed) + `' THEN last_error ELSE route END`
)

const (
	// insertAcceptEventsSQL records the accept of message $1's recipients,
	// from the rows just written: SQLite's accept, a statement of its own
	// (PostgreSQL's is in acceptOneSQL).
	insertAcceptEventsSQL = `INSERT INTO recipient_events (message_id, address, at, kind, state, detail, node)
SELECT message_id, address, updated, ` + acceptKindSQL + `, state, ` + acceptDetailSQL + `, $2
FROM deliveries WHERE message_id = $1 ORDER BY id`

	// The event of a handset's or peer's answer (answerSQL), which moves
	// only a row that still has work.
	answerEventSQL = insertEventSQL + movedSQL + `, $4, $5
FROM deliveries WHERE id = $6 AND state IN (` + leasableStates + `)`

	// A peer's report moves only a forward (peerReportSQL), but is heard
	// whatever the recipient's state.
	peerReportEventSQL = insertEventSQL + `CASE WHEN state IN ('` + string(mms.StateSent) + `', '` +
		string(mms.StateForwarded) + `') AND state <> $3 THEN $3 ELSE '' END, $4, $5
FROM deliveries WHERE id = $6`

	// An SMSC's receipt says how the notification it is about went, which
	// changes no state.
	receiptEventSQL = insertEventSQL + `$3, $4, $5
FROM deliveries WHERE smsc_id = $6 AND smsc_id <> ''`

	// A read report is about the recipient it names, as stored.
	readReportEventSQL = `INSERT INTO recipient_events (message_id, address, at, kind, state, detail, node)
VALUES ($6, $7, $1, $2, $3, $4, $5)`

	// Cancel and CancelRecipient end only rows with work left (cancelSQL,
	// cancelRecipientSQL), a message's in the order of its recipients.
	cancelEventSQL = insertEventSQL + `$3, $4, $5
FROM deliveries WHERE message_id = $6 AND state IN (` + leasableStates + `) ORDER BY id`
	cancelRecipientEventSQL = insertEventSQL + `$3, $4, $5
FROM deliveries WHERE message_id = $6 AND address = $7 AND state IN (` + leasableStates + `)`

	// A resend moves a recipient back to queued from whatever state.
	resendEventSQL = insertEventSQL + `CASE WHEN state <> $3 THEN $3 ELSE '' END, $4, $5
FROM deliveries WHERE message_id = $6 AND address = $7`

	// A report the outbox sent (at $1, by lease owner $2) names the
	// recipient it is about; a response to the originator names none, and
	// is no recipient's event.
	reportedEventSQL = `INSERT INTO recipient_events (message_id, address, at, kind, state, detail, node)
SELECT message_id, about, $1, '` + string(mms.EventReported) + `', '',
	CASE kind WHEN '` + kindReadReport + `' THEN 'read report: ' ELSE 'delivery report: ' END || status, $2
FROM outbox WHERE id = $3 AND lease_owner = $2 AND about <> ''`

	eventsSQL = `SELECT at, address, kind, state, detail, node FROM recipient_events WHERE message_id = $1 ORDER BY id`
)

// releaseEventSQL is the event of an attempt's outcome (releaseSQL), by
// the lease owner. Whether it is recorded depends on $7: 0 always (the
// attempt did notify, or failed for now, whatever a handset said
// meanwhile), 1 if the row still has work (the outcome's state applies
// only then), 2 if it also moves the row (an outcome that only
// reschedules is no event).
const releaseEventSQL = insertEventSQL + movedSQL + `, $4, $5
FROM deliveries WHERE id = $6 AND lease_owner = $5 AND ($7 = 0 OR state IN (` + leasableStates + `) AND ($7 = 1 OR state <> $3))`

// locked is q, an event of a change whose condition reads the row's state,
// made to hold the rows it selects until the change is written
// (dialect.lockRow).
func (d dialect) locked(q string) string { return q + d.lockRow }

// When an attempt's event is recorded (releaseEventSQL's $7).
const (
	recordAlways = iota
	recordIfLive
	recordIfMoved
)

// releaseEvent is what an attempt's outcome records: its kind, detail and
// when to record it; kind "" for nothing.
func releaseEvent(o mms.Outcome) (kind mms.EventKind, detail string, when int) {
	switch {
	case o.Route != "":
		return mms.EventConverted, o.LastError, recordAlways
	case o.Notified:
		return mms.EventNotified, o.SMSCID, recordAlways
	case o.Temporary:
		return mms.EventRetry, retryDetail(o.LastError, o.Next), recordAlways
	}
	switch o.State {
	case mms.StateSent, mms.StateForwarded, mms.StateFailed, mms.StateExpired, mms.StateCancelled:
		return mms.EventKind(o.State), o.LastError, recordIfLive
	case mms.StateRetrieved:
		// No handset answers an attempt: a VASP took the message.
		return mms.EventDelivered, o.LastError, recordIfLive
	case mms.StateNotified, mms.StateDeferred, mms.StateRejected:
		return mms.EventKind(o.State), o.LastError, recordIfMoved
	}
	return "", "", 0
}

// answerKind is the event of an answer that moves a recipient to state.
// A peer answers queued when it refuses a forward for now.
func answerKind(state mms.State) mms.EventKind {
	if state == mms.StateQueued {
		return mms.EventRetry
	}
	return mms.EventKind(state)
}

// retryDetail says why an attempt failed and when the next one is due.
func retryDetail(reason string, next time.Time) string {
	if next.IsZero() {
		return reason
	}
	return reason + "; next try at " + next.UTC().Format(time.RFC3339)
}

// SetNode names this node in the events its writes record outside a
// lease (an attempt's events name its lease owner). Until it is set they
// name none, as the command line's do.
func (s *Store) SetNode(name string) { s.node.Store(&name) }

func (s *Store) nodeName() string {
	if n := s.node.Load(); n != nil {
		return *n
	}
	return ""
}

// event records an event of kind at now for the rows query selects, with
// state, detail and this node; sel are query's parameters from $6 on.
// query is one of the statements above, or a dialect's locked one.
func (s *Store) event(b *batch, query string, now time.Time, kind mms.EventKind, state mms.State, detail string, sel ...any) error {
	args := append([]any{millis(now), string(kind), string(state), detail, s.nodeName()}, sel...)
	_, err := b.exec(query, args...)
	return err
}

// Events is the history of message id's recipients, oldest first: every
// event recorded since the message was accepted (or, for a message
// accepted before the history was kept, since then). A message not stored
// has none.
func (s *Store) Events(ctx context.Context, id mms.MessageID) ([]mms.Event, error) {
	rows, err := s.read.QueryContext(ctx, eventsSQL, string(id))
	if err != nil {
		return nil, fmt.Errorf("store: events of %s: %w", id, err)
	}
	defer rows.Close()
	var l []mms.Event
	for rows.Next() {
		var e mms.Event
		var at int64
		if err := rows.Scan(&at, &e.Address, &e.Kind, &e.State, &e.Detail, &e.Node); err != nil {
			return nil, fmt.Errorf("store: events of %s: %w", id, err)
		}
		e.At = fromMillis(at)
		l = append(l, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events of %s: %w", id, err)
	}
	return l, nil
}
