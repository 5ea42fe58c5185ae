package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Messages lists up to limit messages, newest first (received desc, id
// desc), with their parts (without data) and delivery rows.
func (s *Store) Messages(ctx context.Context, limit int) ([]mms.Summary, error) {
	return s.FindMessages(ctx, mms.MessageQuery{Limit: limit})
}

// FindMessages lists the messages q selects, newest first (received desc,
// id desc), with their parts (without data) and delivery rows.
func (s *Store) FindMessages(ctx context.Context, q mms.MessageQuery) ([]mms.Summary, error) {
	if q.Limit < 1 {
		return nil, fmt.Errorf("store: messages: limit %d is not positive", q.Limit)
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer tx.Rollback()
	l, err := loadSummaries(ctx, tx, q)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return l, nil
}

// window is the statement selecting the IDs of the messages q lists, and
// its arguments. The listing reads three times from the same window (the
// messages, their parts, their recipients); the read transaction makes
// the three see the same messages. Its column is renamed so that it
// cannot collide with the joined table's.
func window(q mms.MessageQuery) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.ID != "" {
		where = append(where, `id = `+arg(string(q.ID)))
	}
	if q.State != "" {
		where = append(where, `EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.state = `+arg(string(q.State))+`)`)
	}
	if q.Account != "" {
		where = append(where, `vasp = `+arg(q.Account))
	}
	if digits := strings.TrimPrefix(mms.NumberDigits(q.Number), "00"); digits != "" {
		// Recipients are kept as "+<digits>"; a sender as it wrote itself:
		// the number, perhaps with "/TYPE=PLMN" or a domain, perhaps in
		// angle brackets after a name.
		match := []string{`EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.address IN (` +
			arg("+"+digits) + `, ` + arg(digits) + `))`}
		for _, n := range []string{"+" + digits, digits} {
			for _, pattern := range []string{n, n + "/%", n + "@%", "%<" + n + ">", "%<" + n + "/%", "%<" + n + "@%"} {
				match = append(match, `header_from LIKE `+arg(pattern))
			}
		}
		where = append(where, `(`+strings.Join(match, ` OR `)+`)`)
	}
	if !q.Since.IsZero() {
		where = append(where, `received >= `+arg(millis(q.Since)))
	}
	if q.Before != nil {
		at := arg(millis(q.Before.Received))
		where = append(where, `(received < `+at+` OR received = `+at+` AND id < `+arg(string(q.Before.ID))+`)`)
	}
	sql := `SELECT id AS newest_id FROM messages`
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return sql + ` ORDER BY received DESC, id DESC LIMIT ` + arg(q.Limit), args
}

func loadSummaries(ctx context.Context, tx *sql.Tx, q mms.MessageQuery) ([]mms.Summary, error) {
	newest, args := window(q)
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.vasp, m.header_from, m.subject, m.transaction_id, m.mm4_message_id,
	m.received, m.size
FROM messages m JOIN (`+newest+`) w ON w.newest_id = m.id ORDER BY m.received DESC, m.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var l []mms.Summary
	index := make(map[mms.MessageID]int)
	for rows.Next() {
		var s mms.Summary
		var received int64
		if err := rows.Scan(&s.ID, &s.VASP, &s.From, &s.Subject, &s.TransactionID, &s.MM4MessageID,
			&received, &s.Size); err != nil {
			rows.Close()
			return nil, err
		}
		s.Received = fromMillis(received)
		index[s.ID] = len(l)
		l = append(l, s)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = tx.QueryContext(ctx, `SELECT p.message_id, p.content_type, p.name, p.content_id, p.size, p.sha256
FROM parts p JOIN (`+newest+`) w ON w.newest_id = p.message_id
ORDER BY p.message_id, p.idx`, args...)
	if err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	for rows.Next() {
		var id mms.MessageID
		var p mms.PartSummary
		if err := rows.Scan(&id, &p.ContentType, &p.Name, &p.ContentID, &p.Size, &p.SHA256); err != nil {
			rows.Close()
			return nil, fmt.Errorf("parts: %w", err)
		}
		if i, ok := index[id]; ok {
			l[i].Parts = append(l[i].Parts, p)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT `+deliveryColumns+`
FROM deliveries JOIN (`+newest+`) w ON w.newest_id = message_id
ORDER BY message_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("deliveries: %w", err)
		}
		if i, ok := index[d.MessageID]; ok {
			l[i].Recipients = append(l[i].Recipients, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	return l, nil
}
