package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// holdWriter parks the writer while it gathers an op of its own, until the
// returned function is called, so that writes handed over meanwhile queue
// up and are then committed together as the next batch.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	inside := make(chan struct{})
	resume := make(chan struct{})
	done := make(chan error, 1)
	var once sync.Once
	go func() {
		done <- s.w.doOp(context.Background(), &op{
			run: func(*batch) error { return nil },
			hold: func() {
				once.Do(func() { close(inside) })
				<-resume
			},
		})
	}()
	<-inside
	var released sync.Once
	return func() {
		released.Do(func() {
			close(resume)
			if err := <-done; err != nil {
				t.Errorf("held op: %v", err)
			}
		})
	}
}

// waitQueued waits until n writes wait for the writer.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.w.ops) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", len(s.w.ops), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBatchFailureRetriesEachWrite(t *testing.T) {
	var logs bytes.Buffer
	s, err := OpenSQLite(context.Background(), t.TempDir(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	release := holdWriter(t, s)
	ms := []*mms.Message{fullMessage(testID(), t0), fullMessage(testID(), t0), fullMessage(testID(), t0)}
	errs := make([]error, len(ms)+1)
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Go(func() { errs[i] = s.Accept(context.Background(), m) })
	}
	broken := errors.New("broken write")
	wg.Go(func() {
		errs[len(ms)] = s.w.do(context.Background(), 0, func(b *batch) error {
			// Writes, then fails: the batch must be rolled back with it.
			if _, err := b.exec(insertAccountSQL, "ghost", "", "", "", int64(1), "", "", "", "", "", "", "", int64(0), int64(0)); err != nil {
				return err
			}
			return broken
		})
	})
	waitQueued(t, s, len(ms)+1)
	release()
	wg.Wait()

	for i, m := range ms {
		if errs[i] != nil {
			t.Errorf("Accept %s: %v", m.ID, errs[i])
		}
		if _, err := s.Message(context.Background(), m.ID); err != nil {
			t.Errorf("Message %s: %v", m.ID, err)
		}
	}
	if !errors.Is(errs[len(ms)], broken) {
		t.Errorf("failing write: got %v, want %v", errs[len(ms)], broken)
	}
	if _, err := s.Account(context.Background(), "ghost"); !errors.Is(err, mms.ErrNotFound) {
		t.Errorf("the failed write's insert survived: %v", err)
	}
	if !strings.Contains(logs.String(), "one by one") {
		t.Errorf("no batch retry was logged; log:\n%s", logs.String())
	}
}

func TestCloseFlushesQueuedWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		dir := bk.fresh(t)
		s := bk.open(t, dir)
		release := holdWriter(t, s)
		ms := []*mms.Message{fullMessage(testID(), t0), fullMessage(testID(), t0)}
		var wg sync.WaitGroup
		for _, m := range ms {
			wg.Go(func() {
				if err := s.Accept(context.Background(), m); err != nil {
					t.Errorf("Accept %s: %v", m.ID, err)
				}
			})
		}
		waitQueued(t, s, len(ms))
		closed := make(chan error)
		go func() { closed <- s.Close() }()
		release()
		if err := <-closed; err != nil {
			t.Fatalf("Close: %v", err)
		}
		wg.Wait()

		s = bk.open(t, dir)
		for _, m := range ms {
			if _, err := s.Message(context.Background(), m.ID); err != nil {
				t.Errorf("after Close: Message %s: %v", m.ID, err)
			}
		}
	})
}

func TestAcceptCancelledWhileQueued(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		release := holdWriter(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		m := fullMessage(testID(), t0)
		errc := make(chan error)
		go func() { errc <- s.Accept(ctx, m) }()
		waitQueued(t, s, 1)
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("Accept: got %v, want context.Canceled", err)
		}
		release()
		// The abandoned write must not be committed later either.
		if err := s.Accept(context.Background(), fullMessage(testID(), t0)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Message(context.Background(), m.ID); !errors.Is(err, mms.ErrNotFound) {
			t.Errorf("Message of the abandoned write: got %v, want mms.ErrNotFound", err)
		}
	})
}

// commits records what an Observer is told.
type commits struct {
	mu     sync.Mutex
	writes []int
	took   []time.Duration
}

func (c *commits) Committed(writes int, took time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, writes)
	c.took = append(c.took, took)
}

// TestObserveCommits: once observed, every group commit is told with its
// writes, which add up to the writes made, and the time it took.
func TestObserveCommits(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		acceptDue(t, s, t0) // before Observe: not told
		c := &commits{}
		s.Observe(c)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				m := &mms.Message{ID: testID(), Received: t0.Add(time.Duration(i) * time.Second), Raw: []byte("x"),
					Recipients: []mms.Recipient{{Address: "+4477009", Route: mms.RouteMM1}}}
				if err := s.Accept(context.Background(), m); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		c.mu.Lock()
		defer c.mu.Unlock()
		total := 0
		for i, n := range c.writes {
			total += n
			if n < 1 || c.took[i] <= 0 {
				t.Errorf("commit %d: %d writes in %v", i, n, c.took[i])
			}
		}
		if total != 8 {
			t.Errorf("commits told of %d writes (%v), want the 8 accepts", total, c.writes)
		}
	})
}

// unsyncable writes content but fails to make it durable, as a full or
// failing disk would.
type unsyncable struct{ contentStore }

func (u unsyncable) write(pieces [][]byte) ([]string, func() error, error) {
	refs, _, err := u.contentStore.write(pieces)
	return refs, func() error { return errors.New("sync: input/output error") }, err
}

// TestContentSyncFailure: rows are inserted while their content syncs, but
// commit only once it is durable; when the sync fails, the write fails and
// nothing of it is stored.
func TestContentSyncFailure(t *testing.T) {
	s, err := OpenSQLite(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	good := s.w.content
	s.w.content = unsyncable{good}
	m := fullMessage(testID(), t0)
	if err := s.Accept(ctx, m); err == nil || !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("accept with content that cannot be synced: %v, want the sync's error", err)
	}
	if _, err := s.Message(ctx, m.ID); !errors.Is(err, mms.ErrNotFound) {
		t.Errorf("message whose content never became durable: %v, want mms.ErrNotFound", err)
	}
	s.w.content = good
	if err := s.Accept(ctx, fullMessage(testID(), t0)); err != nil {
		t.Errorf("accept once the disk is back: %v", err)
	}
}
