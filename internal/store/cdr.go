package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// A CDR is owed by a recipient that is final and has none written yet.
// The condition is the one of the index deliveries_cdr_owed (version 20),
// so that finding the owed rows reads that small index, not the table.
// A row still under a lease is left until its release, which may yet
// count the push the attempt made.
const cdrOwed = `cdr_written = 0 AND state NOT IN (` + leasableStates + `)`

// claimCDRsSQL is leaseSQL for CDRs: rows another node is claiming are
// skipped (lock), and a claim that has run out may be taken again.
func claimCDRsSQL(lock string) string {
	return `UPDATE deliveries SET cdr_claimed = $1
WHERE id IN (
	SELECT id FROM deliveries
	WHERE ` + cdrOwed + ` AND cdr_claimed <= $2 AND lease_expires <= $2
	ORDER BY id
	LIMIT $3` + lock + `)
AND cdr_written = 0 AND cdr_claimed <= $2
RETURNING id`
}

func (d dialect) finalRecipients() string {
	return `SELECT d.id, d.message_id, m.origin_interface, m.vasp, m.envelope_from, m.size,
	m.service, m.received, d.address, d.route, d.state, d.attempts, d.notifications, d.first_notified, d.updated
FROM deliveries d JOIN messages m ON m.id = d.message_id
WHERE d.id IN ` + d.ids("$1") + ` ORDER BY d.id`
}

func (d dialect) cdrsWritten() string {
	return `UPDATE deliveries SET cdr_written = $1, cdr_claimed = 0 WHERE cdr_written = 0 AND id IN ` + d.ids("$2")
}

// maxIDs bounds the rows one claim or mark names, so that neither holds
// the writer long.
const maxIDs = 500

// ClaimCDRs claims up to limit recipients whose CDR is owed, until
// now+claimFor, and returns them with their messages, oldest row first.
// Another claim skips them until then: nodes sharing the database write
// each CDR once, unless a node takes longer than claimFor between its
// claim and CDRsWritten, or dies in between (its claims are then taken
// again when they run out).
func (s *Store) ClaimCDRs(ctx context.Context, now time.Time, claimFor time.Duration, limit int) ([]mms.FinalRecipient, error) {
	if limit < 1 {
		return nil, nil
	}
	limit = min(limit, maxIDs)
	var ids []int64
	err := s.w.do(ctx, 0, func(b *batch) error {
		l, err := b.queryIDs(s.dialect.claimCDRs(), millis(now.Add(claimFor)), millis(now), limit)
		if err != nil {
			return err
		}
		ids = l // only now: a batch that fails runs this again
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim CDRs: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// The claim is made: a caller that gives up now would leave the rows
	// claimed for nothing.
	l, err := s.finalRecipients(context.WithoutCancel(ctx), ids)
	if err != nil {
		return nil, fmt.Errorf("store: claim CDRs: %w", err)
	}
	return l, nil
}

// finalRecipients reads recipients ids with their messages. A claimed row
// cannot be purged (see purgeSQL), so every one is there.
func (s *Store) finalRecipients(ctx context.Context, ids []int64) ([]mms.FinalRecipient, error) {
	rows, err := s.read.QueryContext(ctx, s.dialect.finalRecipients(), s.dialect.idsArg(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var l []mms.FinalRecipient
	for rows.Next() {
		var (
			f                                mms.FinalRecipient
			iface, service, route, state     string
			received, firstNotified, updated int64
		)
		err := rows.Scan(&f.Delivery, &f.Message, &iface, &f.Origin.Account, &f.From, &f.Size, &service,
			&received, &f.To, &route, &state, &f.Attempts, &f.Notifications, &firstNotified, &updated)
		if err != nil {
			return nil, err
		}
		if f.Service, err = fromService(service); err != nil {
			return nil, fmt.Errorf("delivery %d: %w", f.Delivery, err)
		}
		f.Origin.Interface, f.Route, f.State = mms.Interface(iface), mms.Route(route), mms.State(state)
		f.Accepted, f.FirstNotified, f.Ended = fromMillis(received), fromMillis(firstNotified), fromMillis(updated)
		l = append(l, f)
	}
	return l, rows.Err()
}

// CDRsWritten records that the CDRs of recipients ids were synced to
// their file at now: they are owed no more, and nobody claims them again.
func (s *Store) CDRsWritten(ctx context.Context, ids []int64, now time.Time) error {
	for chunk := range slices.Chunk(ids, maxIDs) {
		err := s.w.do(ctx, 0, func(b *batch) error {
			_, err := b.exec(s.dialect.cdrsWritten(), millis(now), s.dialect.idsArg(chunk))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: mark %d CDRs written: %w", len(ids), err)
		}
	}
	return nil
}

// KeepOwedCDRs makes Purge keep a message while a CDR of one of its
// recipients is owed, so that retention never deletes a recipient before
// its CDR is written. Set it when CDRs are written: otherwise they are
// owed for ever, and nothing would be purged.
func (s *Store) KeepOwedCDRs(keep bool) { s.keepOwed.Store(keep) }
