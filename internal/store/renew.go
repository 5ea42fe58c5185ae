package store

import (
	"context"
	"fmt"
	"time"
)

// renewSQL extends the leases an owner still holds on the rows named, in
// table (deliveries or outbox). It is keyed by the rows' IDs (the primary
// key), which the owner knows, rather than by lease_owner: that needs no
// index on lease_owner, which every lease and release would have to
// update, and it touches only rows in flight (at most a few hundred).
//
// A row is extended only while its lease is this owner's and still live
// (lease_expires > now): a lease that ran out may already be another
// node's, or be taken by one at any moment, and the owner's attempt has
// given up on it (queue.Leases). A lease is never shortened: a row leased
// again by the same owner after the renewal's clock was read keeps its
// later expiry. updated is left alone: a renewal is no change of the row.
func renewSQL(d dialect, table string) string {
	return `UPDATE ` + table + ` SET lease_expires = $1
WHERE id IN ` + d.ids("$2") + ` AND lease_owner = $3 AND lease_expires > $4 AND lease_expires < $1
RETURNING id`
}

func (d dialect) renewDeliveries() string { return renewSQL(d, "deliveries") }
func (d dialect) renewOutbox() string     { return renewSQL(d, "outbox") }

// Renew extends to now+leaseFor the leases owner holds on deliveries ids,
// and returns the IDs it extended: the others are no longer owner's (an
// attempt released them, a cancel took them, or they ran out) or already
// last longer. Only the rows' lease changes.
func (s *Store) Renew(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error) {
	renewed, err := s.renew(ctx, s.dialect.renewDeliveries(), owner, ids, now, leaseFor)
	if err != nil {
		return nil, fmt.Errorf("store: renew %d leases for %s: %w", len(ids), owner, err)
	}
	return renewed, nil
}

// Renew extends the leases owner holds on outbox mails ids, as
// Store.Renew does deliveries'.
func (o Outbox) Renew(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error) {
	renewed, err := o.s.renew(ctx, o.s.dialect.renewOutbox(), owner, ids, now, leaseFor)
	if err != nil {
		return nil, fmt.Errorf("store: renew %d outbox leases for %s: %w", len(ids), owner, err)
	}
	return renewed, nil
}

func (s *Store) renew(ctx context.Context, query, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error) {
	if owner == "" || len(ids) == 0 {
		return nil, nil
	}
	var renewed []int64
	err := s.w.do(ctx, 0, func(b *batch) error {
		l, err := b.queryIDs(query, millis(now.Add(leaseFor)), s.dialect.idsArg(ids), owner, millis(now))
		if err != nil {
			return err
		}
		renewed = l // only now: a batch that fails runs this again
		return nil
	})
	return renewed, err
}
