package store

import "github.com/mmsc-project/mmsc/internal/mms"

// acceptOneSQL is Accept in one statement, for PostgreSQL: the message row
// and, only if it went in, its parts, deliveries, outbox mail and the
// recipients' first events, each list as arrays. Four round trips per message would otherwise leave the server
// waiting on the node more than working; data-modifying CTEs all run, and
// the ones that read m insert nothing when the message ID was taken. The
// result is 1, or 0 for a duplicate.
const acceptOneSQL = `WITH m AS (
	INSERT INTO messages (id, vasp, received, envelope_from, message_type, mms_version,
		transaction_id, mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date,
		message_class, priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender,
		sender_hidden, content_type, size, forward_counter, origin_interface, service, raw, raw_ref, segment)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26, $27, $28, $29, $30, $31)
	ON CONFLICT (id) DO NOTHING
	RETURNING id),
p AS (
	INSERT INTO parts (message_id, idx, content_type, name, content_location, content_id, size, sha256, data, data_ref)
	SELECT m.id, x.idx, x.content_type, x.name, x.content_location, x.content_id, x.size, x.sha256, x.data, ''
	FROM m, unnest($32::bigint[], $33::text[], $34::text[], $35::text[], $36::text[], $37::bigint[], $38::text[],
		$39::bytea[]) AS x(idx, content_type, name, content_location, content_id, size, sha256, data)),
d AS (
	INSERT INTO deliveries (message_id, address, route, state, attempts, next_attempt_at, lease_owner,
		lease_expires, last_error, updated, token, transaction_id)
	SELECT m.id, x.address, x.route, x.state, 0, $50, '', 0, x.last_error, $3, x.token, x.transaction_id
	FROM m, unnest($40::text[], $41::text[], $42::text[], $43::text[], $44::text[], $45::text[])
		WITH ORDINALITY AS x(address, route, state, last_error, token, transaction_id, n)
	ORDER BY x.n),
o AS (
	INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, state, next_attempt_at, updated)
	SELECT m.id, $2, x.kind, x.mail_from, x.rcpt_to, x.data, '` + string(mms.OutboxQueued) + `', $3, $3
	FROM m, unnest($46::text[], $47::text[], $48::text[], $49::bytea[]) WITH ORDINALITY
		AS x(kind, mail_from, rcpt_to, data, n)
	ORDER BY x.n),
e AS (
	INSERT INTO recipient_events (message_id, address, at, kind, state, detail, node)
	SELECT m.id, address, $3, ` + acceptKindSQL + `, state, ` + acceptDetailSQL + `, $51
	FROM m, unnest($40::text[], $41::text[], $42::text[], $43::text[]) WITH ORDINALITY
		AS x(address, route, state, last_error, n)
	ORDER BY x.n)
SELECT COUNT(*) FROM m`

// oneArgs are the arguments of acceptOneSQL: the message row as for
// insertMessageSQL, then each column of the other rows as an array, then
// when the recipients' first attempt is due, and the node accepting it.
func (r *acceptRows) oneArgs() []any {
	// Columns as newAcceptRows lays them out.
	return append(append([]any(nil), r.message...),
		column[int64](r.parts, 1), column[string](r.parts, 2), column[string](r.parts, 3),
		column[string](r.parts, 4), column[string](r.parts, 5), column[int64](r.parts, 6),
		column[string](r.parts, 7), column[[]byte](r.parts, 8),
		column[string](r.deliveries, 1), column[string](r.deliveries, 2), column[string](r.deliveries, 3),
		column[string](r.deliveries, 5), column[string](r.deliveries, 7), column[string](r.deliveries, 8),
		column[string](r.outbox, 2), column[string](r.outbox, 3), column[string](r.outbox, 4),
		column[[]byte](r.outbox, 5),
		r.firstDue, r.node,
	)
}

// column is column i of rows, as an array argument.
func column[T any](rows [][]any, i int) []T {
	c := make([]T, len(rows))
	for j, row := range rows {
		c[j] = row[i].(T)
	}
	return c
}

// writeOne inserts the rows, content inline, with acceptOneSQL.
func (r *acceptRows) writeOne(b *batch) error {
	rows, err := b.query(acceptOneSQL, r.oneArgs()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return ErrExists
	}
	return nil
}
