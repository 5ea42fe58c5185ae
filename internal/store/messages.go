package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
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
	Recipients    []Delivery
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
	insertMessageSQL = `INSERT INTO messages (id, vasp, received, envelope_from, message_type, mms_version,
	transaction_id, mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date,
	message_class, priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender,
	sender_hidden, content_type, size, raw)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
	$23, $24, $25, $26)
ON CONFLICT (id) DO NOTHING`

	insertPartSQL = `INSERT INTO parts (message_id, idx, content_type, name, content_location, content_id, size,
	sha256, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

	insertDeliverySQL = `INSERT INTO deliveries (message_id, address, route, state, attempts, next_attempt_at,
	lease_owner, lease_expires, last_error, updated)
VALUES ($1, $2, $3, $4, 0, $5, '', 0, '', $6)`

	selectMessageSQL = `SELECT vasp, received, envelope_from, message_type, mms_version, transaction_id,
	mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date, message_class,
	priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender, sender_hidden,
	content_type, raw
FROM messages WHERE id = $1`

	selectPartsSQL = `SELECT content_type, name, content_location, content_id, data
FROM parts WHERE message_id = $1 ORDER BY idx`

	selectRecipientsSQL = `SELECT address, route FROM deliveries WHERE message_id = $1 ORDER BY id`

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

// acceptRows is a message turned into statement arguments. It is built by
// the caller's goroutine, so hashing and encoding run in parallel and the
// writer only binds and steps.
type acceptRows struct {
	message    []any
	parts      [][]any
	deliveries [][]any
	size       int
}

func newAcceptRows(m *mms.Message) (*acceptRows, error) {
	to, err := list(m.To)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	cc, err := list(m.Cc)
	if err != nil {
		return nil, fmt.Errorf("cc: %w", err)
	}
	r := &acceptRows{
		message: []any{
			string(m.ID), m.VASP, millis(m.Received), m.EnvelopeFrom, m.MessageType, m.MMSVersion,
			m.TransactionID, m.MM4MessageID, m.SMTPMessageID, m.From, to, cc, m.Subject, millis(m.Date),
			m.MessageClass, m.Priority, millis(m.Expiry), flag(m.AckRequest), flag(m.DeliveryReport),
			flag(m.ReadReply), m.OriginatorSystem, m.Sender, flag(m.SenderHidden), m.ContentType,
			int64(len(m.Raw)), notNil(m.Raw),
		},
		size: len(m.Raw),
	}
	for i, p := range m.Parts {
		sum := sha256.Sum256(p.Data)
		r.parts = append(r.parts, []any{
			string(m.ID), int64(i), p.ContentType, p.Name, p.ContentLocation, p.ContentID,
			int64(len(p.Data)), hex.EncodeToString(sum[:]), notNil(p.Data),
		})
		r.size += len(p.Data)
	}
	// The first attempt is due at once; "now" is when the message arrived.
	due := millis(m.Received)
	for _, rc := range m.Recipients {
		r.deliveries = append(r.deliveries, []any{
			string(m.ID), rc.Address, string(rc.Route), string(mms.StateQueued), due, due,
		})
	}
	return r, nil
}

func (r *acceptRows) write(b *batch) error {
	res, err := b.exec(insertMessageSQL, r.message...)
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	// ON CONFLICT DO NOTHING turns a duplicate into a refusal that leaves
	// the batch usable, instead of a constraint error that would abort it.
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	if n == 0 {
		return ErrExists
	}
	for i, p := range r.parts {
		if _, err := b.exec(insertPartSQL, p...); err != nil {
			return fmt.Errorf("part %d: %w", i, err)
		}
	}
	for i, d := range r.deliveries {
		if _, err := b.exec(insertDeliverySQL, d...); err != nil {
			return fmt.Errorf("delivery %d: %w", i, err)
		}
	}
	return nil
}

// Accept stores the message (all fields of mms.Message incl. Raw), its parts
// (with size and sha256 of Data) and one delivery row per m.Recipients
// (state "queued", attempts 0, next_attempt_at = m.Received, no lease) in
// ONE transaction. It returns nil only after that transaction is committed
// and synced to disk. m.ID must be set; a duplicate ID is ErrExists. It
// honours ctx cancellation while waiting for the writer (returning
// ctx.Err()), but once the write is in a batch it completes or fails as a
// whole. Any failure returns a non-nil error.
func (s *SQLite) Accept(ctx context.Context, m *mms.Message) error {
	if m == nil || m.ID == "" {
		return errors.New("store: accept: message has no ID")
	}
	rows, err := newAcceptRows(m)
	if err != nil {
		return fmt.Errorf("store: accept %s: %w", m.ID, err)
	}
	if err := s.w.do(ctx, rows.size, rows.write); err != nil {
		return fmt.Errorf("store: accept %s: %w", m.ID, err)
	}
	return nil
}

// Message loads a whole message: every field, Raw, each part with its data
// and the recipients from its delivery rows. ErrNotFound if there is none.
func (s *SQLite) Message(ctx context.Context, id mms.MessageID) (*mms.Message, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	defer tx.Rollback()
	m, err := loadMessage(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	return m, nil
}

func loadMessage(ctx context.Context, tx *sql.Tx, id mms.MessageID) (*mms.Message, error) {
	m := &mms.Message{ID: id}
	var (
		received, date, expiry         int64
		to, cc                         string
		ack, report, reply, hiddenFlag int64
	)
	err := tx.QueryRowContext(ctx, selectMessageSQL, string(id)).Scan(
		&m.VASP, &received, &m.EnvelopeFrom, &m.MessageType, &m.MMSVersion, &m.TransactionID,
		&m.MM4MessageID, &m.SMTPMessageID, &m.From, &to, &cc, &m.Subject, &date, &m.MessageClass,
		&m.Priority, &expiry, &ack, &report, &reply, &m.OriginatorSystem, &m.Sender, &hiddenFlag,
		&m.ContentType, &m.Raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	m.Received, m.Date, m.Expiry = fromMillis(received), fromMillis(date), fromMillis(expiry)
	m.AckRequest, m.DeliveryReport, m.ReadReply, m.SenderHidden = ack != 0, report != 0, reply != 0, hiddenFlag != 0
	m.Raw = bytesOrNil(m.Raw)
	if m.To, err = fromList(to); err != nil {
		return nil, err
	}
	if m.Cc, err = fromList(cc); err != nil {
		return nil, err
	}

	rows, err := tx.QueryContext(ctx, selectPartsSQL, string(id))
	if err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	for rows.Next() {
		var p mms.Part
		if err := rows.Scan(&p.ContentType, &p.Name, &p.ContentLocation, &p.ContentID, &p.Data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("parts: %w", err)
		}
		p.Data = bytesOrNil(p.Data)
		m.Parts = append(m.Parts, p)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}

	rows, err = tx.QueryContext(ctx, selectRecipientsSQL, string(id))
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rc mms.Recipient
		var route string
		if err := rows.Scan(&rc.Address, &route); err != nil {
			return nil, fmt.Errorf("recipients: %w", err)
		}
		rc.Route = mms.Route(route)
		m.Recipients = append(m.Recipients, rc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	return m, nil
}

// Messages lists up to limit messages, newest first (received desc, id
// desc), with their parts (without data) and delivery rows.
func (s *SQLite) Messages(ctx context.Context, limit int) ([]Summary, error) {
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
