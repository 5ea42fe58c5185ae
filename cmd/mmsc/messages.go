package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/store"
)

// messageJSON is one line of "messages -json"; field names are interface.
type messageJSON struct {
	ID            string          `json:"id"`
	VASP          string          `json:"vasp"`
	From          string          `json:"from"`
	Subject       string          `json:"subject"`
	TransactionID string          `json:"transaction_id"`
	MM4MessageID  string          `json:"mm4_message_id"`
	Received      time.Time       `json:"received"`
	Size          int64           `json:"size"`
	Parts         []partJSON      `json:"parts"`
	Recipients    []recipientJSON `json:"recipients"`
	Outbox        []outboxJSON    `json:"outbox"`
}

// outboxJSON is an MM4 response or report owed to the originator.
type outboxJSON struct {
	Kind      string    `json:"kind"`
	To        string    `json:"to"`
	State     string    `json:"state"` // queued, sent, held (no report endpoint), failed
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	Updated   time.Time `json:"updated"`
}

type partJSON struct {
	ContentType string `json:"content_type"`
	Name        string `json:"name"`
	ContentID   string `json:"content_id"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

type recipientJSON struct {
	Address       string     `json:"address"`
	Route         string     `json:"route"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	Notifications int        `json:"notifications"`
	LastError     string     `json:"last_error"`
	Updated       time.Time  `json:"updated"`
	NextAttempt   *time.Time `json:"next_attempt,omitempty"` // only while the recipient has work left
	Token         string     `json:"token,omitempty"`        // last element of the handset's Content-Location
	SMSStatus     string     `json:"sms_status,omitempty"`   // the SMSC's receipt for the latest notification
}

func toJSON(s store.Summary) messageJSON {
	m := messageJSON{
		ID: string(s.ID), VASP: s.VASP, From: s.From, Subject: s.Subject,
		TransactionID: s.TransactionID, MM4MessageID: s.MM4MessageID,
		Received: s.Received.UTC(), Size: s.Size,
		Parts: []partJSON{}, Recipients: []recipientJSON{}, Outbox: []outboxJSON{},
	}
	for _, p := range s.Parts {
		m.Parts = append(m.Parts, partJSON{p.ContentType, p.Name, p.ContentID, p.Size, p.SHA256})
	}
	for _, d := range s.Recipients {
		r := recipientJSON{
			Address: d.Address, Route: string(d.Route), State: string(d.State), Attempts: d.Attempts,
			Notifications: d.Notifications, LastError: d.LastError, Updated: d.Updated.UTC(), Token: d.Token,
			SMSStatus: d.SMSStatus,
		}
		if !d.State.Final() {
			next := d.NextAttempt.UTC()
			r.NextAttempt = &next
		}
		m.Recipients = append(m.Recipients, r)
	}
	return m
}

func cmdMessages(ctx context.Context, e env, args []string) error {
	lf := newListFlags(e, "messages", "message")
	limit := lf.Int("limit", 20, "how many messages, newest first")
	if err := lf.parse(args); err != nil {
		return err
	}
	if *limit <= 0 {
		return usageError{"-limit must be positive"}
	}
	return list(ctx, e, lf, listing[store.Summary]{
		find: func(ctx context.Context, st *store.Store) ([]store.Summary, error) {
			return st.Messages(ctx, *limit)
		},
		header: []string{"ID", "RECEIVED", "VASP", "FROM", "SIZE", "PARTS", "RECIPIENTS", "SUBJECT"},
		row: func(s store.Summary) []string {
			var rc []string
			for _, d := range s.Recipients {
				rc = append(rc, fmt.Sprintf("%s(%s:%s)", d.Address, d.Route, d.State))
			}
			return escapeCells([]string{string(s.ID), s.Received.UTC().Format(time.RFC3339), s.VASP, s.From,
				strconv.FormatInt(s.Size, 10), strconv.Itoa(len(s.Parts)), strings.Join(rc, " "), s.Subject})
		},
		json: func(ctx context.Context, st *store.Store, s store.Summary) (any, error) {
			j := toJSON(s)
			mails, err := st.Outbox().ForMessage(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			for _, m := range mails {
				j.Outbox = append(j.Outbox, outboxJSON{m.What(), m.To, string(m.State), m.Attempts, m.LastError, m.Updated.UTC()})
			}
			return escapedJSON(j)
		},
	})
}
