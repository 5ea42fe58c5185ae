package store

// acceptOneSQL is Accept in one statement, for PostgreSQL: the message row
// and, only if it went in, its parts, deliveries and outbox mail, each list
// as arrays. Four round trips per message would otherwise leave the server
// waiting on the node more than working; data-modifying CTEs all run, and
// the ones that read m insert nothing when the message ID was taken. The
// result is 1, or 0 for a duplicate.
const acceptOneSQL = `WITH m AS (
	INSERT INTO messages (id, vasp, received, envelope_from, message_type, mms_version,
		transaction_id, mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date,
		message_class, priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender,
		sender_hidden, content_type, size, forward_counter, raw, raw_ref, segment)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26, $27, $28, $29)
	ON CONFLICT (id) DO NOTHING
	RETURNING id),
p AS (
	INSERT INTO parts (message_id, idx, content_type, name, content_location, content_id, size, sha256, data, data_ref)
	SELECT m.id, x.idx, x.content_type, x.name, x.content_location, x.content_id, x.size, x.sha256, x.data, ''
	FROM m, unnest($30::bigint[], $31::text[], $32::text[], $33::text[], $34::text[], $35::bigint[], $36::text[],
		$37::bytea[]) AS x(idx, content_type, name, content_location, content_id, size, sha256, data)),
d AS (
	INSERT INTO deliveries (message_id, address, route, state, attempts, next_attempt_at, lease_owner,
		lease_expires, last_error, updated, token, transaction_id)
	SELECT m.id, x.address, x.route, x.state, 0, $3, '', 0, x.last_error, $3, x.token, x.transaction_id
	FROM m, unnest($38::text[], $39::text[], $40::text[], $41::text[], $42::text[], $43::text[])
		WITH ORDINALITY AS x(address, route, state, last_error, token, transaction_id, n)
	ORDER BY x.n),
o AS (
	INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, state, next_attempt_at, updated)
	SELECT m.id, $2, x.kind, x.mail_from, x.rcpt_to, x.data, '` + OutboxQueued + `', $3, $3
	FROM m, unnest($44::text[], $45::text[], $46::text[], $47::bytea[]) WITH ORDINALITY
		AS x(kind, mail_from, rcpt_to, data, n)
	ORDER BY x.n)
SELECT COUNT(*) FROM m`

// oneArgs are the arguments of acceptOneSQL: the message row as for
// insertMessageSQL, then each column of the other rows as an array.
func (r *acceptRows) oneArgs() []any {
	args := append([]any(nil), r.message...)
	col := func(rows [][]any, i int) []any {
		c := make([]any, len(rows))
		for j, row := range rows {
			c[j] = row[i]
		}
		return c
	}
	strs := func(rows [][]any, i int) []string {
		s := make([]string, len(rows))
		for j, v := range col(rows, i) {
			s[j] = v.(string)
		}
		return s
	}
	ints := func(rows [][]any, i int) []int64 {
		s := make([]int64, len(rows))
		for j, v := range col(rows, i) {
			s[j] = v.(int64)
		}
		return s
	}
	bytes := func(rows [][]any, i int) [][]byte {
		s := make([][]byte, len(rows))
		for j, v := range col(rows, i) {
			s[j] = v.([]byte)
		}
		return s
	}
	// Columns as newAcceptRows lays them out.
	args = append(args,
		ints(r.parts, 1), strs(r.parts, 2), strs(r.parts, 3), strs(r.parts, 4), strs(r.parts, 5),
		ints(r.parts, 6), strs(r.parts, 7), bytes(r.parts, 8),
		strs(r.deliveries, 1), strs(r.deliveries, 2), strs(r.deliveries, 3), strs(r.deliveries, 5),
		strs(r.deliveries, 7), strs(r.deliveries, 8),
		strs(r.outbox, 2), strs(r.outbox, 3), strs(r.outbox, 4), bytes(r.outbox, 5),
	)
	return args
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
