package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Summary is what a listing shows of a message: no raw bytes, no part data.
type Summary struct {
	ID            mms.MessageID
	VASP          string
	From          string
	Subject       string
	TransactionID string
	MM4MessageID  string
	Received      time.Time
	Size          int64 // len(Raw)
	Parts         []PartSummary
	Recipients    []mms.Delivery
}

// PartSummary describes one stored part without its data.
type PartSummary struct {
	ContentType string
	Name        string
	ContentID   string
	Size        int64
	SHA256      string // hex, of the decoded data
}

const (
	// The listing reads three times from the same newest-first window; the
	// read transaction makes the three see the same messages. The window's
	// column is renamed so that it cannot collide with the joined table's.
	newestSQL = `SELECT id AS newest_id FROM messages ORDER BY received DESC, id DESC LIMIT $1`

	selectSummariesSQL = `SELECT id, vasp, header_from, subject, transaction_id, mm4_message_id, received, size
FROM messages ORDER BY received DESC, id DESC LIMIT $1`

	selectPartSummariesSQL = `SELECT p.message_id, p.content_type, p.name, p.content_id, p.size, p.sha256
FROM parts p JOIN (` + newestSQL + `) w ON w.newest_id = p.message_id
ORDER BY p.message_id, p.idx`

	selectDeliverySummariesSQL = `SELECT ` + deliveryColumns + `
FROM deliveries JOIN (` + newestSQL + `) w ON w.newest_id = message_id
ORDER BY message_id, id`
)

// Messages lists up to limit messages, newest first (received desc, id
// desc), with their parts (without data) and delivery rows.
func (s *Store) Messages(ctx context.Context, limit int) ([]Summary, error) {
	if limit < 1 {
		return nil, fmt.Errorf("store: messages: limit %d is not positive", limit)
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer tx.Rollback()
	l, err := loadSummaries(ctx, tx, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return l, nil
}

func loadSummaries(ctx context.Context, tx *sql.Tx, limit int) ([]Summary, error) {
	rows, err := tx.QueryContext(ctx, selectSummariesSQL, limit)
	if err != nil {
		return nil, err
	}
	var l []Summary
	index := make(map[mms.MessageID]int)
	for rows.Next() {
		var s Summary
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

	rows, err = tx.QueryContext(ctx, selectPartSummariesSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	for rows.Next() {
		var id mms.MessageID
		var p PartSummary
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

	rows, err = tx.QueryContext(ctx, selectDeliverySummariesSQL, limit)
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
