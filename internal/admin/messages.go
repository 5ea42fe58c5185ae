package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Listing bounds.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// states are the recipient states a listing may select.
var states = []mms.State{mms.StateQueued, mms.StateNotified, mms.StateRetrieved, mms.StateDeferred, mms.StateRejected,
	mms.StateExpired, mms.StateFailed, mms.StateForwarded, mms.StateSent, mms.StateCancelled}

// messageQuery reads a listing's query string.
func messageQuery(r *http.Request) (mms.MessageQuery, error) {
	v := r.URL.Query()
	q := mms.MessageQuery{State: mms.State(v.Get("state")), Account: v.Get("vasp"), Number: v.Get("number"), Limit: defaultLimit}
	if q.State != "" && !slices.Contains(states, q.State) {
		return q, badRequest{fmt.Sprintf("state %q: want one of %s", q.State, joinStates())}
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, badRequest{fmt.Sprintf("since %q: want an RFC 3339 time like 2026-12-07T09:00:00Z", s)}
		}
		q.Since = t
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return q, badRequest{fmt.Sprintf("limit %q: want 1 to %d", s, maxLimit)}
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		p, err := parseCursor(s)
		if err != nil {
			return q, badRequest{fmt.Sprintf("cursor %q: not one this server gave", s)}
		}
		q.Before = &p
	}
	return q, nil
}

func joinStates() string {
	l := make([]string, len(states))
	for i, s := range states {
		l[i] = string(s)
	}
	return strings.Join(l, ", ")
}

// A cursor is where a listing stopped: the last message's receipt time and
// ID, opaque to the client.
func cursor(s mms.Summary) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%s", s.Received.UnixMilli(), s.ID))
}

func parseCursor(s string) (mms.Position, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return mms.Position{}, err
	}
	ms, id, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return mms.Position{}, fmt.Errorf("malformed cursor")
	}
	return mms.Position{Received: time.UnixMilli(n), ID: mms.MessageID(id)}, nil
}

// messageList is a page of a listing; Next continues it ("" at the end).
type messageList struct {
	Messages []Message `json:"messages"`
	Next     string    `json:"next"`
}

func (a *Admin) listMessages(w http.ResponseWriter, r *http.Request) {
	q, err := messageQuery(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	found, err := a.b.Messages.FindMessages(r.Context(), q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := messageList{Messages: []Message{}}
	for _, s := range found {
		m, err := a.message(r, s)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		page.Messages = append(page.Messages, m)
	}
	if len(found) == q.Limit {
		page.Next = cursor(found[len(found)-1])
	}
	writeJSON(w, http.StatusOK, page)
}

// message is s's shape with what is owed to its originator.
func (a *Admin) message(r *http.Request, s mms.Summary) (Message, error) {
	var owed []mms.OutboxMail
	if a.b.Outbox != nil {
		var err error
		if owed, err = a.b.Outbox.ForMessage(r.Context(), s.ID); err != nil {
			return Message{}, err
		}
	}
	return MessageOf(s, owed), nil
}

// find is the message the path names.
func (a *Admin) find(r *http.Request) (mms.Summary, error) {
	id := mms.MessageID(r.PathValue("id"))
	found, err := a.b.Messages.FindMessages(r.Context(), mms.MessageQuery{ID: id, Limit: 1})
	if err != nil {
		return mms.Summary{}, err
	}
	if len(found) == 0 {
		return mms.Summary{}, fmt.Errorf("message %s: %w", id, mms.ErrNotFound)
	}
	return found[0], nil
}

func (a *Admin) getMessage(w http.ResponseWriter, r *http.Request) {
	m, err := a.whole(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// whole is the message the path names with what is owed to its originator
// and each recipient's history.
func (a *Admin) whole(r *http.Request) (Message, error) {
	s, err := a.find(r)
	if err != nil {
		return Message{}, err
	}
	m, err := a.message(r, s)
	if err != nil {
		return Message{}, err
	}
	events, err := a.b.Messages.Events(r.Context(), s.ID)
	if err != nil {
		return Message{}, err
	}
	withHistory(&m, events)
	return m, nil
}

func (a *Admin) resend(w http.ResponseWriter, r *http.Request) {
	a.recipient(w, r, a.b.Recipients.Resend)
}

func (a *Admin) cancel(w http.ResponseWriter, r *http.Request) {
	a.recipient(w, r, a.b.Recipients.CancelRecipient)
}

// recipient does act to the recipient the path names and answers with the
// message as it is afterwards.
func (a *Admin) recipient(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, id mms.MessageID, address string) error) {
	id, address := mms.MessageID(r.PathValue("id")), r.PathValue("address")
	if err := act(r.Context(), id, address); err != nil {
		a.fail(w, r, err)
		return
	}
	a.getMessage(w, r)
}
