package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/mmsc-project/mmsc/internal/mms"
)

const (
	insertMessageSQL = `INSERT INTO messages (id, vasp, received, envelope_from, message_type, mms_version,
	transaction_id, mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date,
	message_class, priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender,
	sender_hidden, content_type, size, forward_counter, origin_interface, service, raw, raw_ref, segment)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
	$23, $24, $25, $26, $27, $28, $29, $30, $31)
ON CONFLICT (id) DO NOTHING`

	insertPartSQL = `INSERT INTO parts (message_id, idx, content_type, name, content_location, content_id, size,
	sha256, data, data_ref)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

	insertDeliverySQL = `INSERT INTO deliveries (message_id, address, route, state, attempts, next_attempt_at,
	lease_owner, lease_expires, last_error, updated, token, transaction_id)
VALUES ($1, $2, $3, $4, 0, $5, '', 0, $6, $7, $8, $9)`

	selectMessageSQL = `SELECT vasp, received, envelope_from, message_type, mms_version, transaction_id,
	mm4_message_id, smtp_message_id, header_from, header_to, header_cc, subject, header_date, message_class,
	priority, expiry, ack_request, delivery_report, read_reply, originator_system, sender, sender_hidden,
	content_type, forward_counter, origin_interface, service, raw, raw_ref
FROM messages WHERE id = $1`

	selectPartsSQL = `SELECT content_type, name, content_location, content_id, data, data_ref
FROM parts WHERE message_id = $1 ORDER BY idx`

	selectRecipientsSQL = `SELECT address, route, state, last_error, token, transaction_id
FROM deliveries WHERE message_id = $1 ORDER BY id`

	selectContentSizeSQL = `SELECT COALESCE(SUM(size), 0) FROM parts WHERE message_id = $1`

	insertOutboxSQL = `INSERT INTO outbox (message_id, vasp, kind, mail_from, rcpt_to, data, state, next_attempt_at, updated)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

// acceptRows is a message turned into statement arguments. It is built by
// the caller's goroutine, so hashing and encoding run in parallel and the
// writer only binds and steps.
type acceptRows struct {
	content    [][]byte // Raw, then each part's Data: bytes for the content log
	message    []any
	parts      [][]any
	deliveries [][]any
	outbox     [][]any
	size       int
	work       []string // routes with a recipient due now, and outboxWork if mail is
	final      bool     // a recipient is final already (no route): its CDR is owed
	firstDue   int64    // when the recipients' first attempt is due
	node       string   // who accepted it, for the recipients' events
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
	service, err := serviceColumn(m.Service)
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	r := &acceptRows{
		message: []any{
			string(m.ID), m.Origin.Account, millis(m.Received), m.EnvelopeFrom, m.MessageType, m.MMSVersion,
			m.TransactionID, m.MM4MessageID, m.SMTPMessageID, m.From, to, cc, m.Subject, millis(m.Date),
			m.MessageClass, m.Priority, millis(m.Expiry), flag(m.AckRequest), asked(m.DeliveryReport, m.ReportsNowhere),
			asked(m.ReadReply, m.ReportsNowhere), m.OriginatorSystem, m.Sender, flag(m.SenderHidden), m.ContentType,
			int64(len(m.Raw)), int64(m.ForwardCounter), string(m.Origin.Interface), service, []byte{}, "", int64(0),
		},
		content: [][]byte{m.Raw},
		size:    len(m.Raw),
	}
	for i, p := range m.Parts {
		sum := sha256.Sum256(p.Data)
		r.parts = append(r.parts, []any{
			string(m.ID), int64(i), p.ContentType, p.Name, p.ContentLocation, p.ContentID,
			int64(len(p.Data)), hex.EncodeToString(sum[:]), []byte{}, "",
		})
		r.content = append(r.content, p.Data)
		r.size += len(p.Data)
	}
	// The first attempt is due at once ("now" is when the message arrived),
	// or at the delivery time the sender asked for.
	due := millis(m.Received)
	r.firstDue = millis(m.Received)
	if m.DeliveryTime.After(m.Received) {
		r.firstDue = millis(m.DeliveryTime)
	}
	for _, rc := range m.Recipients {
		state := rc.State
		if state == "" {
			state = mms.StateQueued
		}
		r.deliveries = append(r.deliveries, []any{
			string(m.ID), rc.Address, string(rc.Route), string(state), r.firstDue, rc.LastError, due,
			rc.Token, rc.TransactionID,
		})
		if !state.Final() && !slices.Contains(r.work, string(rc.Route)) {
			r.work = append(r.work, string(rc.Route))
		}
		r.final = r.final || state.Final()
	}
	for _, o := range m.Outbox {
		r.outbox = append(r.outbox, []any{string(m.ID), m.Origin.Account, o.Kind, o.From, o.To, notNull(o.Data), string(mms.OutboxQueued), due, due})
	}
	if len(m.Outbox) > 0 {
		r.work = append(r.work, outboxWork)
	}
	return r, nil
}

// inline puts the content into the rows themselves, for a store without a
// content log.
func (r *acceptRows) inline() {
	r.message[len(r.message)-3] = notNull(r.content[0])
	for i := range r.parts {
		r.parts[i][len(r.parts[i])-2] = notNull(r.content[i+1])
	}
}

// write inserts the rows; refs locate r.content in the content log, in
// order, or are nil when the content is inline.
func (r *acceptRows) write(b *batch, refs []string) error {
	if refs != nil {
		seg, _, _, err := parseRef(refs[0])
		if err != nil {
			return fmt.Errorf("message: %w", err)
		}
		r.message[len(r.message)-2], r.message[len(r.message)-1] = refs[0], seg
		for i := range r.parts {
			r.parts[i][len(r.parts[i])-1] = refs[i+1]
		}
	}
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
	for i, o := range r.outbox {
		if _, err := b.exec(insertOutboxSQL, o...); err != nil {
			return fmt.Errorf("outbox %d: %w", i, err)
		}
	}
	if _, err := b.exec(insertAcceptEventsSQL, r.message[0], r.node); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	return nil
}

// Accept stores the message (all fields of mms.Message incl. Raw), its parts
// (with size and sha256 of Data) and one delivery row per m.Recipients
// (the recipient's state, "queued" if unset, with its last error, token and
// transaction ID; attempts 0, next_attempt_at = m.Received, no lease) in
// ONE transaction. It returns nil only after that transaction is committed
// and synced to disk. m.ID must be set; a duplicate ID is ErrExists. It
// honours ctx cancellation while waiting for the writer (returning
// ctx.Err()), but once the write is in a batch it completes or fails as a
// whole. Any failure returns a non-nil error.
func (s *Store) Accept(ctx context.Context, m *mms.Message) error {
	if m == nil || m.ID == "" {
		return errors.New("store: accept: message has no ID")
	}
	rows, err := newAcceptRows(m)
	if err != nil {
		return fmt.Errorf("store: accept %s: %w", m.ID, err)
	}
	rows.node = s.nodeName()
	switch {
	case s.dialect.acceptOne:
		rows.inline()
		err = s.w.do(ctx, rows.size, rows.writeOne)
	case s.content == nil:
		rows.inline()
		err = s.w.do(ctx, rows.size, func(b *batch) error { return rows.write(b, nil) })
	default:
		err = s.w.doContent(ctx, rows.content, rows.write)
	}
	if err != nil {
		return fmt.Errorf("store: accept %s: %w", m.ID, err)
	}
	s.announce(rows.work...)
	if rows.final {
		s.wakeFinal()
	}
	return nil
}

// Message loads a whole message: every field, Raw, each part with its data
// and the recipients from its delivery rows. mms.ErrNotFound if there is none.
func (s *Store) Message(ctx context.Context, id mms.MessageID) (*mms.Message, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	defer tx.Rollback()
	m, err := s.loadMessage(ctx, tx, id, withRaw|withParts)
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	return m, nil
}

// What loadMessage reads besides the header fields and recipients.
const (
	withRaw = 1 << iota
	withParts
)

// Deliverable loads a message as its recipients receive it: like Message,
// but without Raw, which no recipient gets and which is the largest read.
func (s *Store) Deliverable(ctx context.Context, id mms.MessageID) (*mms.Message, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	defer tx.Rollback()
	m, err := s.loadMessage(ctx, tx, id, withParts)
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	return m, nil
}

// Head loads a message like Message but without its content: no Raw and
// no Parts, only ContentSize. It is what a notification needs.
func (s *Store) Head(ctx context.Context, id mms.MessageID) (*mms.Message, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	defer tx.Rollback()
	m, err := s.loadMessage(ctx, tx, id, 0)
	if err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	return m, nil
}

func (s *Store) loadMessage(ctx context.Context, tx *sql.Tx, id mms.MessageID, what int) (*mms.Message, error) {
	m := &mms.Message{ID: id}
	var (
		received, date, expiry     int64
		to, cc                     string
		ack, report, reply, hidden int64
		rawRef, service            string
		inlineRaw                  []byte
	)
	err := tx.QueryRowContext(ctx, selectMessageSQL, string(id)).Scan(
		&m.Origin.Account, &received, &m.EnvelopeFrom, &m.MessageType, &m.MMSVersion, &m.TransactionID,
		&m.MM4MessageID, &m.SMTPMessageID, &m.From, &to, &cc, &m.Subject, &date, &m.MessageClass,
		&m.Priority, &expiry, &ack, &report, &reply, &m.OriginatorSystem, &m.Sender, &hidden,
		&m.ContentType, &m.ForwardCounter, &m.Origin.Interface, &service, &inlineRaw, &rawRef)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, mms.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	m.Received, m.Date, m.Expiry = fromMillis(received), fromMillis(date), fromMillis(expiry)
	m.AckRequest, m.DeliveryReport, m.ReadReply, m.SenderHidden = ack != 0, report != 0, reply != 0, hidden != 0
	m.ReportsNowhere = report == askedNowhere || reply == askedNowhere
	if m.To, err = fromList(to); err != nil {
		return nil, err
	}
	if m.Cc, err = fromList(cc); err != nil {
		return nil, err
	}
	if m.Service, err = fromService(service); err != nil {
		return nil, err
	}
	m.Raw = nil
	if what&withRaw != 0 {
		if m.Raw, err = s.blob(inlineRaw, rawRef); err != nil {
			return nil, fmt.Errorf("raw: %w", err)
		}
	}
	if what&withParts != 0 {
		if err := s.loadParts(ctx, tx, m); err != nil {
			return nil, err
		}
	} else if err := tx.QueryRowContext(ctx, selectContentSizeSQL, string(id)).Scan(&m.ContentSize); err != nil {
		return nil, fmt.Errorf("content size: %w", err)
	}

	rows, err := tx.QueryContext(ctx, selectRecipientsSQL, string(id))
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rc mms.Recipient
		var route, state string
		if err := rows.Scan(&rc.Address, &route, &state, &rc.LastError, &rc.Token, &rc.TransactionID); err != nil {
			return nil, fmt.Errorf("recipients: %w", err)
		}
		rc.Route, rc.State = mms.Route(route), mms.State(state)
		m.Recipients = append(m.Recipients, rc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	return m, nil
}

// loadParts reads m's parts with their data.
func (s *Store) loadParts(ctx context.Context, tx *sql.Tx, m *mms.Message) error {
	rows, err := tx.QueryContext(ctx, selectPartsSQL, string(m.ID))
	if err != nil {
		return fmt.Errorf("parts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p mms.Part
		var ref string
		if err := rows.Scan(&p.ContentType, &p.Name, &p.ContentLocation, &p.ContentID, &p.Data, &ref); err != nil {
			return fmt.Errorf("parts: %w", err)
		}
		if p.Data, err = s.blob(p.Data, ref); err != nil {
			return fmt.Errorf("part %d: %w", len(m.Parts), err)
		}
		m.ContentSize += int64(len(p.Data))
		m.Parts = append(m.Parts, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("parts: %w", err)
	}
	return nil
}

// blob returns content stored inline, or read from the content log when ref
// is set. Empty content comes back nil.
func (s *Store) blob(inline []byte, ref string) ([]byte, error) {
	if ref == "" {
		return bytesOrNil(inline), nil
	}
	if s.content == nil {
		return nil, fmt.Errorf("content %s is in a content log, which this store has not", ref)
	}
	b, err := s.content.read(ref)
	if err != nil {
		return nil, err
	}
	return bytesOrNil(b), nil
}
