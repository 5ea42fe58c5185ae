package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Outbox kinds of the reports the outbox writes when it sends them, as
// stored: the names of their MM4 form, which was the only one when the
// column was made. Responses are stored with their own MM4 message type.
const (
	kindDeliveryReport = "MM4_delivery_report.REQ"
	kindReadReport     = "MM4_read_reply_report.REQ"
)

// reportKinds maps the stored kinds of reports to the model's.
var reportKinds = map[string]mms.ReportKind{kindDeliveryReport: mms.ReportDelivery, kindReadReport: mms.ReportRead}

const (
	outboxColumns = `id, message_id, vasp, kind, mail_from, rcpt_to, data, about, status, state, attempts,
	next_attempt_at, last_error, updated`

	releaseOutboxSQL = `UPDATE outbox SET state = $1, next_attempt_at = $2, last_error = $3, updated = $4,
	lease_owner = '', lease_expires = 0
WHERE id = $5 AND lease_owner = $6`

	nextOutboxSQL = `SELECT MIN(CASE WHEN lease_expires > next_attempt_at THEN lease_expires ELSE next_attempt_at END)
FROM outbox WHERE state = '` + string(mms.OutboxQueued) + `'`

	outboxByIDSQL      = `SELECT ` + outboxColumns + ` FROM outbox WHERE id = $1`
	outboxByMessageSQL = `SELECT ` + outboxColumns + ` FROM outbox WHERE message_id = $1 ORDER BY id`
)

// leaseOutboxSQL is leaseSQL for the outbox.
func leaseOutboxSQL(lock string) string {
	return `UPDATE outbox
SET lease_owner = $1, lease_expires = $2, attempts = attempts + 1, updated = $3
WHERE id IN (
	SELECT id FROM outbox
	WHERE state = '` + string(mms.OutboxQueued) + `' AND next_attempt_at <= $3 AND lease_expires <= $3
	ORDER BY next_attempt_at, id
	LIMIT $4` + lock + `)
AND lease_expires <= $3
RETURNING ` + outboxColumns
}

// Outbox is the store's outbox: the mails owed to originators, leased and
// released like deliveries but rows of their own.
type Outbox struct{ s *Store }

// Outbox returns the outbox.
func (s *Store) Outbox() Outbox { return Outbox{s} }

// Lease claims due mails like Store.Lease does deliveries. routes are
// ignored: mail has none.
func (o Outbox) Lease(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int, _ ...mms.Route) ([]mms.OutboxMail, error) {
	if owner == "" || limit < 1 {
		return nil, nil
	}
	var leased []mms.OutboxMail
	err := o.s.w.do(ctx, 0, func(b *batch) error {
		rows, err := b.query(o.s.dialect.leaseOutbox(), owner, millis(now.Add(leaseFor)), millis(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var l []mms.OutboxMail
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			l = append(l, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		leased = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: lease outbox for %s: %w", owner, err)
	}
	slices.SortFunc(leased, func(a, b mms.OutboxMail) int { return cmp.Compare(a.ID, b.ID) })
	return leased, nil
}

// Release records the outcome of an attempt to send mail id.
func (o Outbox) Release(ctx context.Context, id int64, owner string, out mms.OutboxOutcome, now time.Time) error {
	err := o.s.w.do(ctx, 0, func(b *batch) error {
		// A report that went is an event of the recipient it is about,
		// selected like the release below, under the row's lock.
		if out.State == mms.OutboxSent {
			if _, err := b.exec(o.s.dialect.locked(reportedEventSQL), millis(now), owner, id); err != nil {
				return err
			}
		}
		return b.execOne(releaseOutboxSQL, string(out.State), millis(out.Next), out.LastError, millis(now), id, owner)
	})
	if err != nil {
		return fmt.Errorf("store: release outbox mail %d: %w", id, err)
	}
	return nil
}

// NextDue is when the next queued mail can be leased.
func (o Outbox) NextDue(ctx context.Context, _ ...mms.Route) (time.Time, bool, error) {
	var due sql.NullInt64
	if err := o.s.read.QueryRowContext(ctx, nextOutboxSQL).Scan(&due); err != nil {
		return time.Time{}, false, fmt.Errorf("store: outbox next due: %w", err)
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	return fromMillis(due.Int64), true, nil
}

// Mail loads outbox mail id; mms.ErrNotFound if there is none.
func (o Outbox) Mail(ctx context.Context, id int64) (mms.OutboxMail, error) {
	m, err := scanOutbox(o.s.read.QueryRowContext(ctx, outboxByIDSQL, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return mms.OutboxMail{}, fmt.Errorf("store: outbox mail %d: %w", id, err)
	}
	return m, nil
}

// ForMessage lists the mails owed about message id, oldest first.
func (o Outbox) ForMessage(ctx context.Context, id mms.MessageID) ([]mms.OutboxMail, error) {
	rows, err := o.s.read.QueryContext(ctx, outboxByMessageSQL, string(id))
	if err != nil {
		return nil, fmt.Errorf("store: outbox of %s: %w", id, err)
	}
	defer rows.Close()
	var l []mms.OutboxMail
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("store: outbox of %s: %w", id, err)
		}
		l = append(l, m)
	}
	return l, rows.Err()
}

func scanOutbox(r scanner) (mms.OutboxMail, error) {
	var m mms.OutboxMail
	var next, updated int64
	err := r.Scan(&m.ID, &m.MessageID, &m.VASP, &m.Kind, &m.From, &m.To, &m.Data, &m.Report.About, &m.Report.Status, &m.State,
		&m.Attempts, &next, &m.LastError, &updated)
	if err != nil {
		return mms.OutboxMail{}, err
	}
	if k, ok := reportKinds[m.Kind]; ok {
		m.Kind, m.Report.Kind = "", k
	}
	m.NextAttempt, m.Updated = fromMillis(next), fromMillis(updated)
	return m, nil
}

// reportable are the recipient states the originator hears of when it
// asked for delivery reports (TS 23.140 §8.4.3; Deferred included, as
// MM1's m-delivery-ind does).
var reportable = map[mms.State]bool{
	mms.StateRetrieved: true, mms.StateRejected: true, mms.StateExpired: true,
	mms.StateDeferred: true, mms.StateForwarded: true, mms.StateFailed: true,
}

const (
	deliveryStateSQL = `SELECT state FROM deliveries WHERE id = $1`

	// A report row for a recipient whose message asked for reports; the
	// sender writes the mail when it sends it. A forward that expired
	// because no peer took it is reported as a failure (Indeterminate):
	// nobody knows whether the handset would have fetched it.
	insertReportSQL = `INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, about, status, state,
	next_attempt_at, updated)
SELECT m.id, m.vasp, '` + kindDeliveryReport + `', '', '', '', d.address,
	CASE WHEN d.route LIKE 'mm4:%' AND $2 = 'expired' THEN 'failed' ELSE $2 END, '` + string(mms.OutboxQueued) + `', $3, $3
FROM deliveries d JOIN messages m ON m.id = d.message_id
WHERE d.id = $1 AND m.delivery_report = 1`
)

// noteChange queues a delivery report when a write moved delivery id from
// state before to a state the originator hears of. Called in the write's
// batch, after the write.
func noteChange(b *batch, id int64, before mms.State, now time.Time) (queued bool, err error) {
	after, err := stateOf(b, id)
	if err != nil || after == before || !reportable[after] {
		return false, err
	}
	res, err := b.exec(insertReportSQL, id, string(after), millis(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// stateOf reads delivery id's state in the batch.
func stateOf(b *batch, id int64) (mms.State, error) { return queryState(b, deliveryStateSQL, id) }

// stateBefore reads delivery id's state before the batch changes it, and
// keeps others from changing it until the batch commits (dialect.lockRow).
func (s *Store) stateBefore(b *batch, id int64) (mms.State, error) {
	return queryState(b, s.dialect.stateBefore(), id)
}

func queryState(b *batch, query string, id int64) (mms.State, error) {
	rows, err := b.query(query, id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var s string
	if rows.Next() {
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
	}
	return mms.State(s), rows.Err()
}

// insertReadReportMailSQL queues a read report row when the message asked
// for read reports; status is "read" or "deleted".
const insertReadReportMailSQL = `INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, about, status,
	state, next_attempt_at, updated)
SELECT m.id, m.vasp, '` + kindReadReport + `', '', '', '', $2, $3, '` + string(mms.OutboxQueued) + `', $4, $4
FROM messages m WHERE m.id = $1 AND m.read_reply = 1`
