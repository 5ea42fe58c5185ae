package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// leasableStates are the states in which a delivery still has work to do
// (a first try, a retry, a re-notification or its expiry); rows in any other
// state are final and never leased again. A state added to mms that needs
// work belongs here, and in DeliveriesByState's zeros.
const leasableStates = `'` + string(mms.StateQueued) + `', '` + string(mms.StateNotified) + `', '` +
	string(mms.StateDeferred) + `', '` + string(mms.StateSent) + `'`

const (
	deliveryColumns = `id, message_id, address, route, state, attempts, next_attempt_at, lease_owner,
	lease_expires, last_error, updated, token, transaction_id, notifications, smsc_id, sms_status`

	// The outer condition repeats "no live lease" so that the statement stays
	// safe where the inner SELECT is not isolated from a concurrent UPDATE
	// (PostgreSQL READ COMMITTED re-checks only the outer WHERE; that
	// backend may add FOR UPDATE SKIP LOCKED to the inner SELECT). On SQLite
	// the write lock serializes leases anyway.
	// A handset's answer can make a row final while the queue holds it:
	// the release then keeps the handset's state and error. The first
	// push the SMSC took is when the recipient was first notified, which
	// its CDR tells.
	releaseSQL = `UPDATE deliveries
SET state = CASE WHEN state IN (` + leasableStates + `) THEN $1 ELSE state END,
	last_error = CASE WHEN state IN (` + leasableStates + `) THEN $3 ELSE last_error END,
	next_attempt_at = $2, notifications = notifications + $7, updated = $4, lease_owner = '', lease_expires = 0,
	first_notified = CASE WHEN $7 = 1 AND first_notified = 0 THEN $4 ELSE first_notified END,
	smsc_id = CASE WHEN $8 <> '' THEN $8 ELSE smsc_id END,
	sms_status = CASE WHEN $8 <> '' THEN '' ELSE sms_status END,
	route = CASE WHEN $9 <> '' AND state IN (` + leasableStates + `) THEN $9 ELSE route END
WHERE id = $5 AND lease_owner = $6`

	// "smsc_id <> ''" lets SQLite use the partial index deliveries_smsc:
	// without it, each receipt scanned every recipient.
	smsReceiptSQL = `UPDATE deliveries SET sms_status = $1, updated = $2 WHERE smsc_id = $3 AND smsc_id <> ''`

	deliveryByTokenSQL = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE token = $1`

	deliveryByTransactionSQL = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE transaction_id = $1`

	// A handset's answer moves a row that still has work; a final row
	// stays as it is (the first final word counts).
	answerSQL = `UPDATE deliveries SET state = $1, next_attempt_at = $2, last_error = $3, updated = $4
WHERE id = $5 AND state IN (` + leasableStates + `)`

	// One read report per recipient: a handset or peer that sends it
	// again, or a hundred times, is heard once.
	insertReadReportSQL = `INSERT INTO read_reports (message_id, address, status, at, received)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id, address) DO NOTHING`

	messageExistsSQL = `SELECT 1 FROM messages WHERE id = $1`
)

// nextDueSQL returns the statement for the earliest time a row on routes
// can be leased: when it is due, or when its live lease runs out.
func nextDueSQL(routes int) string {
	only := routeFilter(routes, 1)
	return `SELECT MIN(CASE WHEN lease_expires > next_attempt_at THEN lease_expires ELSE next_attempt_at END)
FROM deliveries WHERE state IN (` + leasableStates + `)` + only
}

// routeFilter is the condition on routes given as parameters from $first
// on, each a route or a pattern (see routeArgs); "" for none.
func routeFilter(routes, first int) string {
	if routes == 0 {
		return ""
	}
	ps := make([]string, routes)
	for i := range ps {
		ps[i] = fmt.Sprintf("route LIKE $%d", first+i)
	}
	return " AND (" + strings.Join(ps, " OR ") + ")"
}

// routeArgs turns routes into LIKE patterns: a route ending in "*" stands
// for every route with that prefix ("mm4:*": every peer), any other for
// itself. Route names hold no "%" or "_" of their own (route.Validate).
func routeArgs(routes []mms.Route) []any {
	args := make([]any, len(routes))
	for i, r := range routes {
		args[i] = strings.TrimSuffix(string(r), "*")
		if strings.HasSuffix(string(r), "*") {
			args[i] = args[i].(string) + "%"
		}
	}
	return args
}

// leaseSQL returns the lease statement for routes (none: every route),
// with lock after the inner SELECT's LIMIT (see dialect.skipLocked).
//
// The outer condition repeats "no live lease" so that the statement stays
// safe where the inner SELECT is not isolated from a concurrent UPDATE
// (PostgreSQL READ COMMITTED re-checks only the outer WHERE). On SQLite
// the write lock serializes leases anyway.
func leaseSQL(routes int, lock string) string {
	only := routeFilter(routes, 5)
	return `UPDATE deliveries
SET lease_owner = $1, lease_expires = $2, attempts = attempts + 1, updated = $3
WHERE id IN (
	SELECT id FROM deliveries
	WHERE state IN (` + leasableStates + `) AND next_attempt_at <= $3 AND lease_expires <= $3` + only + `
	ORDER BY next_attempt_at, id
	LIMIT $4` + lock + `)
AND lease_expires <= $3
RETURNING ` + deliveryColumns
}

// Lease claims up to limit deliveries that are due (next_attempt_at <= now),
// in a state with work left, and not under a live lease (lease_expires <=
// now). Each gets owner's lease until now+leaseFor and one more attempt; the
// rows are returned oldest due first. Two Lease calls never return the same
// row while its lease lives, in this process or another. With routes, only
// rows on those routes are leased: a node leases what it can deliver. A
// route ending in "*" stands for all routes with that prefix ("mm4:*").
func (s *Store) Lease(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int, routes ...mms.Route) ([]mms.Delivery, error) {
	if owner == "" {
		return nil, errors.New("store: lease: empty owner")
	}
	if leaseFor < time.Millisecond {
		return nil, fmt.Errorf("store: lease: lease time %v is under a millisecond", leaseFor)
	}
	if limit < 1 {
		return nil, nil
	}
	var leased []mms.Delivery
	err := s.w.do(ctx, 0, func(b *batch) error {
		args := append([]any{owner, millis(now.Add(leaseFor)), millis(now), limit}, routeArgs(routes)...)
		rows, err := b.query(s.dialect.lease(len(routes)), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var l []mms.Delivery
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			l = append(l, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		leased = l // only now: a batch that fails runs this again
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: lease for %s: %w", owner, err)
	}
	// RETURNING promises no order.
	slices.SortFunc(leased, func(a, b mms.Delivery) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return leased, nil
}

// NextDue returns the earliest time a row on routes (none: any route) can
// be leased, and false if no row has work left.
func (s *Store) NextDue(ctx context.Context, routes ...mms.Route) (time.Time, bool, error) {
	var due sql.NullInt64
	if err := s.read.QueryRowContext(ctx, nextDueSQL(len(routes)), routeArgs(routes)...).Scan(&due); err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due: %w", err)
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	return fromMillis(due.Int64), true, nil
}

// Release ends the lease owner holds on delivery id and records the outcome
// of the attempt. It is mms.ErrNotFound if the row is not leased by owner. A
// lease that has run out but that nobody else has taken can still be
// released: the attempt did happen, and refusing its outcome would only
// cause a needless repeat. If a handset's answer made the row final in the
// meantime, that state stands.
func (s *Store) Release(ctx context.Context, id int64, owner string, o mms.Outcome, now time.Time) error {
	if owner == "" {
		return fmt.Errorf("store: release delivery %d: %w", id, mms.ErrNotFound)
	}
	notified := 0
	if o.Notified {
		notified = 1
	}
	var report bool
	kind, detail, when := releaseEvent(o)
	err := s.w.do(ctx, 0, func(b *batch) error {
		var before mms.State
		if reportable[o.State] { // not the common case (notified, a retry), which needs no report
			var err error
			if before, err = s.stateBefore(b, id); err != nil {
				return err
			}
		}
		// Selected by the release's own condition, the event is written
		// only if the release will be: a refused release writes nothing.
		if kind != "" {
			if _, err := b.exec(s.dialect.locked(releaseEventSQL), millis(now), string(kind), string(o.State), detail, owner, id, when); err != nil {
				return err
			}
		}
		if err := b.execOne(releaseSQL, string(o.State), millis(o.Next), o.LastError, millis(now), id, owner, notified, o.SMSCID, string(o.Route)); err != nil {
			return err
		}
		if !reportable[o.State] {
			return nil
		}
		var err error
		report, err = noteChange(b, id, before, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: release delivery %d for %s: %w", id, owner, err)
	}
	if report {
		s.wakeOutbox()
	}
	if o.State.Final() {
		s.wakeFinal()
	}
	return nil
}

// SMSReceipt records the state an SMSC's delivery receipt reports for the
// notification it knows as smscID, and reports whether a recipient had it.
func (s *Store) SMSReceipt(ctx context.Context, smscID, status string, now time.Time) (bool, error) {
	if smscID == "" {
		return false, nil
	}
	var n int64
	err := s.w.do(ctx, 0, func(b *batch) error {
		if err := s.event(b, receiptEventSQL, now, mms.EventReceipt, "", status, smscID); err != nil {
			return err
		}
		res, err := b.exec(smsReceiptSQL, status, millis(now), smscID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: receipt for %s: %w", smscID, err)
	}
	return n > 0, nil
}

// DeliveryByToken finds the recipient whose Content-Location ends in
// token. mms.ErrNotFound if there is none.
func (s *Store) DeliveryByToken(ctx context.Context, token string) (mms.Delivery, error) {
	if token == "" { // rows of other routes have none
		return mms.Delivery{}, fmt.Errorf("store: delivery by token: %w", mms.ErrNotFound)
	}
	d, err := scanDelivery(s.read.QueryRowContext(ctx, deliveryByTokenSQL, token))
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return mms.Delivery{}, fmt.Errorf("store: delivery by token: %w", err)
	}
	return d, nil
}

// Answer records a handset's word on a recipient: its new state, when the
// queue should next look at it (a deferred message: its expiry), and a
// reason. A row that is already final keeps its state; Answer reports
// whether it changed the row.
func (s *Store) Answer(ctx context.Context, id int64, state mms.State, next time.Time, reason string, now time.Time) (bool, error) {
	var changed, report bool
	err := s.w.do(ctx, 0, func(b *batch) error {
		var before mms.State
		if reportable[state] {
			var err error
			if before, err = s.stateBefore(b, id); err != nil {
				return err
			}
		}
		detail := reason
		if state == mms.StateQueued {
			detail = retryDetail(reason, next)
		}
		if err := s.event(b, s.dialect.locked(answerEventSQL), now, answerKind(state), state, detail, id); err != nil {
			return err
		}
		res, err := b.exec(answerSQL, string(state), millis(next), reason, millis(now), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if changed = n > 0; err != nil || !changed || !reportable[state] {
			return err
		}
		report, err = noteChange(b, id, before, now)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: answer for delivery %d: %w", id, err)
	}
	if report {
		s.wakeOutbox()
	}
	if changed && state.Final() {
		s.wakeFinal()
	}
	return changed, nil
}

// DeliveryByTransaction finds the recipient whose notification carried
// the Transaction-ID tid. mms.ErrNotFound if there is none.
func (s *Store) DeliveryByTransaction(ctx context.Context, tid string) (mms.Delivery, error) {
	if tid == "" {
		return mms.Delivery{}, fmt.Errorf("store: delivery by transaction: %w", mms.ErrNotFound)
	}
	d, err := scanDelivery(s.read.QueryRowContext(ctx, deliveryByTransactionSQL, tid))
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return mms.Delivery{}, fmt.Errorf("store: delivery by transaction: %w", err)
	}
	return d, nil
}

// ReadReport records r once per recipient: r.Reader must be a recipient
// of r.Message on one of from.Routes, its number agreeing as from.Match.
// The first report of a recipient is kept, under the recipient's address
// as stored, and queues the originator's, when it asked, in the same
// write; it says whether r was that first one. mms.ErrNotFound: no such
// message; mms.ErrNotRecipient: the reader is none of its recipients there.
func (s *Store) ReadReport(ctx context.Context, r mms.ReadReport, from mms.Readers, now time.Time) (bool, error) {
	var first, queued bool
	recipients := `SELECT address FROM deliveries WHERE message_id = $1` + routeFilter(len(from.Routes), 2)
	err := s.w.do(ctx, 0, func(b *batch) error {
		first, queued = false, false
		rows, err := b.query(recipients, append([]any{string(r.Message)}, routeArgs(from.Routes)...)...)
		if err != nil {
			return err
		}
		var reader string
		for rows.Next() {
			var addr string
			if err := rows.Scan(&addr); err != nil {
				rows.Close()
				return err
			}
			if reader == "" && mms.SameNumber(addr, r.Reader, from.Match) {
				reader = addr
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if reader == "" {
			rows, err := b.query(messageExistsSQL, string(r.Message))
			if err != nil {
				return err
			}
			exists := rows.Next()
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
			if !exists {
				return mms.ErrNotFound
			}
			return mms.ErrNotRecipient
		}
		res, err := b.exec(insertReadReportSQL, string(r.Message), reader, r.Status, millis(r.At), millis(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		first = true
		if err := s.event(b, readReportEventSQL, now, mms.EventReadReport, "", r.Status, string(r.Message), reader); err != nil {
			return err
		}
		res, err = b.exec(insertReadReportMailSQL, string(r.Message), reader, r.Status, millis(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		queued = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: read report for %s from %s: %w", r.Message, r.Reader, err)
	}
	if queued {
		s.wakeOutbox()
	}
	return first, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanDelivery(r scanner) (mms.Delivery, error) {
	var (
		d                                  mms.Delivery
		route, state                       string
		nextAttempt, leaseExpires, updated int64
	)
	err := r.Scan(&d.ID, &d.MessageID, &d.Address, &route, &state, &d.Attempts, &nextAttempt,
		&d.LeaseOwner, &leaseExpires, &d.LastError, &updated, &d.Token, &d.TransactionID, &d.Notifications,
		&d.SMSCID, &d.SMSStatus)
	if err != nil {
		return mms.Delivery{}, err
	}
	d.Route, d.State = mms.Route(route), mms.State(state)
	d.NextAttempt, d.LeaseExpires, d.Updated = fromMillis(nextAttempt), fromMillis(leaseExpires), fromMillis(updated)
	return d, nil
}
