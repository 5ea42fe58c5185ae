package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Delivery is one recipient's row: a work item the queue leases, tries, and
// releases with the outcome.
type Delivery struct {
	ID           int64
	MessageID    mms.MessageID
	Address      string
	Route        mms.Route
	State        mms.State
	Attempts     int
	NextAttempt  time.Time
	LeaseOwner   string    // "" when not leased
	LeaseExpires time.Time // zero when not leased
	LastError    string
	Updated      time.Time
}

// leasableStates are the states in which a delivery still has work to do
// (a first try, a retry, a re-notification or its expiry); rows in any other
// state are final and never leased again. A state added to mms that needs
// work belongs here.
const leasableStates = `'` + string(mms.StateQueued) + `', '` + string(mms.StateNotified) + `', '` +
	string(mms.StateDeferred) + `'`

const (
	deliveryColumns = `id, message_id, address, route, state, attempts, next_attempt_at, lease_owner,
	lease_expires, last_error, updated`

	// The outer condition repeats "no live lease" so that the statement stays
	// safe where the inner SELECT is not isolated from a concurrent UPDATE
	// (PostgreSQL READ COMMITTED re-checks only the outer WHERE; that
	// backend may add FOR UPDATE SKIP LOCKED to the inner SELECT). On SQLite
	// the write lock serializes leases anyway.
	leaseSQL = `UPDATE deliveries
SET lease_owner = $1, lease_expires = $2, attempts = attempts + 1, updated = $3
WHERE id IN (
	SELECT id FROM deliveries
	WHERE state IN (` + leasableStates + `) AND next_attempt_at <= $3 AND lease_expires <= $3
	ORDER BY next_attempt_at, id
	LIMIT $4)
AND lease_expires <= $3
RETURNING ` + deliveryColumns

	releaseSQL = `UPDATE deliveries
SET state = $1, next_attempt_at = $2, last_error = $3, updated = $4, lease_owner = '', lease_expires = 0
WHERE id = $5 AND lease_owner = $6`
)

// Lease claims up to limit deliveries that are due (next_attempt_at <= now),
// in a state with work left, and not under a live lease (lease_expires <=
// now). Each gets owner's lease until now+leaseFor and one more attempt; the
// rows are returned oldest due first. Two Lease calls never return the same
// row while its lease lives, in this process or another.
func (s *SQLite) Lease(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int) ([]Delivery, error) {
	if owner == "" {
		return nil, errors.New("store: lease: empty owner")
	}
	if leaseFor < time.Millisecond {
		return nil, fmt.Errorf("store: lease: lease time %v is under a millisecond", leaseFor)
	}
	if limit < 1 {
		return nil, nil
	}
	var leased []Delivery
	err := s.w.do(ctx, 0, func(b *batch) error {
		rows, err := b.query(leaseSQL, owner, millis(now.Add(leaseFor)), millis(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var l []Delivery
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
	slices.SortFunc(leased, func(a, b Delivery) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return leased, nil
}

// Release ends the lease owner holds on delivery id and records the outcome:
// the new state, when to try next, the last error (empty for none). It is
// ErrNotFound if the row is not leased by owner. A lease that has run out
// but that nobody else has taken can still be released: the attempt did
// happen, and refusing its outcome would only cause a needless repeat.
func (s *SQLite) Release(ctx context.Context, id int64, owner string, state mms.State, next time.Time, lastError string, now time.Time) error {
	if owner == "" {
		return fmt.Errorf("store: release delivery %d: %w", id, ErrNotFound)
	}
	err := s.w.do(ctx, 0, func(b *batch) error {
		return b.execOne(releaseSQL, string(state), millis(next), lastError, millis(now), id, owner)
	})
	if err != nil {
		return fmt.Errorf("store: release delivery %d for %s: %w", id, owner, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanDelivery(r scanner) (Delivery, error) {
	var (
		d                                  Delivery
		route, state                       string
		nextAttempt, leaseExpires, updated int64
	)
	err := r.Scan(&d.ID, &d.MessageID, &d.Address, &route, &state, &d.Attempts, &nextAttempt,
		&d.LeaseOwner, &leaseExpires, &d.LastError, &updated)
	if err != nil {
		return Delivery{}, err
	}
	d.Route, d.State = mms.Route(route), mms.State(state)
	d.NextAttempt, d.LeaseExpires, d.Updated = fromMillis(nextAttempt), fromMillis(leaseExpires), fromMillis(updated)
	return d, nil
}
