package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

func TestAcceptThenMessage(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		tests := []struct {
			name string
			m    *mms.Message
		}{
			{"every field", fullMessage(testID(), t0)},
			{"bare", &mms.Message{ID: testID(), Received: t0, Recipients: []mms.Recipient{{Address: "+4477001", Route: mms.RouteMM1}}}},
			{"no recipients, empty part", &mms.Message{ID: testID(), Received: t0, Raw: []byte("x"),
				Parts: []mms.Part{{ContentType: "text/plain"}}}},
			{"binary raw", &mms.Message{ID: testID(), Received: t0.Add(time.Hour), Raw: []byte{0, 1, 2, 0xff, 0},
				To: []string{""}, Recipients: []mms.Recipient{{Address: "a", Route: "mm4:peer"}, {Address: "a", Route: "mm4:peer"}}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.Accept(context.Background(), tt.m); err != nil {
					t.Fatalf("Accept: %v", err)
				}
				got, err := s.Message(context.Background(), tt.m.ID)
				if err != nil {
					t.Fatalf("Message: %v", err)
				}
				if !reflect.DeepEqual(got, stored(tt.m)) {
					t.Errorf("Message:\n got %+v\nwant %+v", got, tt.m)
				}
			})
		}
	})
}

func TestAcceptKeepsMilliseconds(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		local := time.FixedZone("X", 3600)
		m := &mms.Message{ID: testID(), Received: time.Date(2025, 1, 2, 3, 4, 5, 6789012, local)}
		if err := s.Accept(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		got, err := s.Message(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := m.Received.Truncate(time.Millisecond).UTC()
		if got.Received != want {
			t.Errorf("Received = %v, want %v", got.Received, want)
		}
	})
}

func TestMessageNotFound(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		if _, err := s.Message(context.Background(), "nope"); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("got %v, want mms.ErrNotFound", err)
		}
	})
}

func TestAcceptRefuses(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		tests := []struct {
			name string
			ctx  context.Context
			m    *mms.Message
			want error // nil: any error
		}{
			{"nil message", context.Background(), nil, nil},
			{"no ID", context.Background(), &mms.Message{Received: t0}, nil},
			{"cancelled before enqueue", cancelled, fullMessage("cancelled", t0), context.Canceled},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.Accept(tt.ctx, tt.m)
				if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
					t.Errorf("Accept: got %v, want %v", err, tt.want)
				}
			})
		}
		l, err := s.Messages(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != 0 {
			t.Errorf("refused messages were stored: %+v", l)
		}
	})
}

func TestAcceptAfterClose(t *testing.T) {
	s, err := OpenSQLite(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Accept(context.Background(), fullMessage(testID(), t0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Accept after Close: got %v, want ErrClosed", err)
	}
	if _, err := s.Lease(context.Background(), "q", t0, time.Minute, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Lease after Close: got %v, want ErrClosed", err)
	}
	if _, err := s.Message(context.Background(), "x"); err == nil {
		t.Errorf("Message after Close: no error")
	}
}

func TestMessagesListing(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		// Received out of order, two at the same millisecond (ordered by id).
		offsets := []time.Duration{3, 1, 5, 5, 2}
		var ms []*mms.Message
		for _, off := range offsets {
			m := fullMessage(testID(), t0.Add(off*time.Second))
			ms = append(ms, m)
			if err := s.Accept(context.Background(), m); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			limit int
			want  []*mms.Message
		}{
			{1, []*mms.Message{ms[3]}},
			{3, []*mms.Message{ms[3], ms[2], ms[0]}},
			{10, []*mms.Message{ms[3], ms[2], ms[0], ms[4], ms[1]}},
		}
		for _, tt := range tests {
			got, err := s.Messages(context.Background(), tt.limit)
			if err != nil {
				t.Fatalf("Messages(%d): %v", tt.limit, err)
			}
			var want []mms.Summary
			for _, m := range tt.want {
				want = append(want, summaryOf(m))
			}
			if len(got) != len(want) {
				t.Fatalf("Messages(%d): %d summaries, want %d", tt.limit, len(got), len(want))
			}
			for i := range want {
				// mms.Delivery IDs are the store's; check they are set, then
				// compare the rest.
				for j := range got[i].Recipients {
					if got[i].Recipients[j].ID == 0 {
						t.Errorf("Messages(%d)[%d]: delivery without ID", tt.limit, i)
					}
					got[i].Recipients[j].ID = 0
				}
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("Messages(%d)[%d]:\n got %+v\nwant %+v", tt.limit, i, got[i], want[i])
				}
			}
		}
		if _, err := s.Messages(context.Background(), 0); err == nil {
			t.Errorf("Messages(0): no error")
		}
	})
}

// summaryOf is the summary a freshly accepted m should have.
func summaryOf(m *mms.Message) mms.Summary {
	s := mms.Summary{
		ID: m.ID, VASP: m.Origin.Account, From: m.From, Subject: m.Subject, TransactionID: m.TransactionID,
		MM4MessageID: m.MM4MessageID, Received: m.Received, Size: int64(len(m.Raw)),
	}
	for _, p := range m.Parts {
		sum := sha256.Sum256(p.Data)
		s.Parts = append(s.Parts, mms.PartSummary{
			ContentType: p.ContentType, Name: p.Name, ContentID: p.ContentID,
			Size: int64(len(p.Data)), SHA256: hex.EncodeToString(sum[:]),
		})
	}
	for _, rc := range m.Recipients {
		s.Recipients = append(s.Recipients, mms.Delivery{
			MessageID: m.ID, Address: rc.Address, Route: rc.Route, State: mms.StateQueued,
			NextAttempt: m.Received, Updated: m.Received, Token: rc.Token, TransactionID: rc.TransactionID,
		})
	}
	return s
}

func TestAcceptDuplicateInBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		first := fullMessage(testID(), t0)
		if err := s.Accept(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		fresh := testID()
		// One batch: two fresh messages, a duplicate of a stored one and two
		// with the same new ID (the first of those wins).
		batch := []struct {
			m       *mms.Message
			wantErr error
		}{
			{fullMessage(testID(), t0), nil},
			{sizedMessage(first.ID, t0.Add(time.Second), 100, 100), ErrExists},
			{fullMessage(fresh, t0), nil},
			{sizedMessage(fresh, t0.Add(time.Second), 100, 100), ErrExists},
			{fullMessage(testID(), t0), nil},
		}
		release := holdWriter(t, s)
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		for i, b := range batch {
			// One at a time into the queue, so the queue order is known.
			wg.Go(func() { errs[i] = s.Accept(context.Background(), b.m) })
			waitQueued(t, s, i+1)
		}
		release()
		wg.Wait()
		for i, b := range batch {
			if !errors.Is(errs[i], b.wantErr) || (b.wantErr == nil) != (errs[i] == nil) {
				t.Errorf("write %d (%s): got %v, want %v", i, b.m.ID, errs[i], b.wantErr)
				continue
			}
			if b.wantErr != nil {
				continue
			}
			got, err := s.Message(context.Background(), b.m.ID)
			if err != nil {
				t.Errorf("Message %s: %v", b.m.ID, err)
			} else if !reflect.DeepEqual(got, stored(b.m)) {
				t.Errorf("Message %s differs from what was accepted", b.m.ID)
			}
		}
		// The stored original is untouched by its duplicate.
		got, err := s.Message(context.Background(), first.ID)
		if err != nil || !reflect.DeepEqual(got, stored(first)) {
			t.Errorf("original %s after duplicate: err %v, equal %v", first.ID, err, reflect.DeepEqual(got, stored(first)))
		}
	})
}

func TestConcurrentAcceptsSurviveReopen(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		dir := bk.fresh(t)
		s := bk.open(t, dir)
		const workers, each = 32, 8
		var mu sync.Mutex
		accepted := map[mms.MessageID]*mms.Message{}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					m := sizedMessage(testID(), t0.Add(time.Duration(w*each+i)*time.Millisecond), 3000, 2000)
					if err := s.Accept(context.Background(), m); err != nil {
						t.Errorf("Accept: %v", err)
						return
					}
					mu.Lock()
					accepted[m.ID] = m
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = bk.open(t, dir)
		l, err := s.Messages(context.Background(), 10*workers*each)
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != workers*each {
			t.Errorf("after reopen: %d messages, want %d", len(l), workers*each)
		}
		for id, want := range accepted {
			got, err := s.Message(context.Background(), id)
			if err != nil {
				t.Errorf("after reopen: Message %s: %v", id, err)
				continue
			}
			if !reflect.DeepEqual(got, stored(want)) {
				t.Errorf("after reopen: Message %s differs", id)
			}
		}
	})
}

// TestFindMessages: each filter of a listing alone, together, and the
// cursor that continues one.
func TestFindMessages(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		mk := func(off time.Duration, account, from, to string, state mms.State) *mms.Message {
			m := fullMessage(testID(), t0.Add(off*time.Second))
			m.Origin.Account, m.From = account, from
			m.Recipients = []mms.Recipient{{Address: to, Route: mms.RouteMM1, State: state, Token: "tok-" + string(m.ID), TransactionID: "tid-" + string(m.ID)}}
			if err := s.Accept(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		a := mk(1, "acme", "Ann <+447700900123/TYPE=PLMN@mms.example.net>", "+447700900456", mms.StateQueued)
		b := mk(2, "news", "+447700900999/TYPE=PLMN", "+447700900123", mms.StateFailed)
		c := mk(3, "acme", "4477009001234@example.net", "+447700900777", mms.StateFailed)
		ids := func(ms ...*mms.Message) []mms.MessageID {
			var l []mms.MessageID
			for _, m := range ms {
				l = append(l, m.ID)
			}
			return l
		}
		tests := []struct {
			name string
			q    mms.MessageQuery
			want []mms.MessageID
		}{
			{"all", mms.MessageQuery{Limit: 10}, ids(c, b, a)},
			{"by account", mms.MessageQuery{Account: "acme", Limit: 10}, ids(c, a)},
			{"by a recipient's state", mms.MessageQuery{State: mms.StateFailed, Limit: 10}, ids(c, b)},
			{"by number: sender in angle brackets, or recipient", mms.MessageQuery{Number: "00447700900123", Limit: 10}, ids(b, a)},
			{"by number as a handset writes it", mms.MessageQuery{Number: "447700900456", Limit: 10}, ids(a)},
			{"a longer number is another number", mms.MessageQuery{Number: "+4477009001234", Limit: 10}, ids(c)},
			{"since", mms.MessageQuery{Since: t0.Add(2 * time.Second), Limit: 10}, ids(c, b)},
			{"together", mms.MessageQuery{Account: "acme", State: mms.StateFailed, Limit: 10}, ids(c)},
			{"limit", mms.MessageQuery{Limit: 2}, ids(c, b)},
			{"after a cursor", mms.MessageQuery{Before: &mms.Position{Received: b.Received, ID: b.ID}, Limit: 10}, ids(a)},
		}
		for _, tt := range tests {
			got, err := s.FindMessages(ctx, tt.q)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var gotIDs []mms.MessageID
			for _, m := range got {
				gotIDs = append(gotIDs, m.ID)
				if len(m.Recipients) != 1 || len(m.Parts) == 0 {
					t.Errorf("%s: %s has %d recipients, %d parts", tt.name, m.ID, len(m.Recipients), len(m.Parts))
				}
			}
			if !slices.Equal(gotIDs, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, gotIDs, tt.want)
			}
		}
	})
}
