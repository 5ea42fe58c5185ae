package cdr

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
)

// day1 is late on a UTC day, a moment before the next one.
var day1 = time.Date(2026, 11, 26, 23, 59, 59, 900e6, time.UTC)

// clock is the writer's time, which the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

var idSeq atomic.Int64

// acceptEnded stores n messages, received at at, whose one recipient no
// route reaches: each ends at once and owes its CDR.
func acceptEnded(t *testing.T, st *store.Store, at time.Time, n int) []mms.MessageID {
	t.Helper()
	var l []mms.MessageID
	for range n {
		id := mms.MessageID(fmt.Sprintf("m%06d", idSeq.Add(1)))
		m := &mms.Message{ID: id, Received: at, Origin: mms.Origin{Interface: mms.InterfaceMM4, Account: "news"},
			EnvelopeFrom: "+447779998888/TYPE=PLMN@mms.example.net", Raw: []byte("raw"),
			Recipients: []mms.Recipient{{Address: "+15550100", Route: mms.RouteNone, State: mms.StateFailed, LastError: "no route"}}}
		if err := st.Accept(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		l = append(l, id)
	}
	return l
}

// newWriter is a writer into a new directory (under one that exists) on
// st, at the time c says, with what it logs.
func newWriter(t *testing.T, src Source, c *clock) (*Writer, string, *bytes.Buffer) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cdr")
	w, logs := writerIn(t, src, c, dir)
	return w, dir, logs
}

func writerIn(t *testing.T, src Source, c *clock, dir string) (*Writer, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	w, err := New(src, Config{Dir: dir, Now: c.now}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.closeFile)
	return w, &logs
}

// flush is w.Flush, which must write want lines.
func flush(t *testing.T, w *Writer, want int) {
	t.Helper()
	if n, err := w.Flush(context.Background()); err != nil || n != want {
		t.Fatalf("Flush: %d lines, %v; want %d", n, err, want)
	}
}

// records reads every line of the file, each of which must be a whole
// record and nothing else.
func records(t *testing.T, path string) []Record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("%s does not end in a newline", path)
	}
	var l []Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var r Record
		if err := dec.Decode(&r); err != nil || r.ID == "" {
			t.Errorf("%s: line %q is no record: %v", path, sc.Text(), err)
		}
		l = append(l, r)
	}
	return l
}

func cdrIDs(l []Record) []string {
	var ids []string
	for _, r := range l {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestFlush: owed CDRs are written to the day's file, one whole line each,
// and marked, so the next flush writes nothing; the directory and the
// file are created private to the group.
func TestFlush(t *testing.T) {
	st := storetest.SQLite(t)
	c := &clock{t: day1}
	w, dir, _ := newWriter(t, st, c)
	ids := acceptEnded(t, st, day1.Add(-time.Minute), 3)
	flush(t, w, 3)
	flush(t, w, 0)
	c.set(day1.Add(time.Hour)) // any claim has run out: the marks hold
	flush(t, w, 0)

	path := filepath.Join(dir, "cdr-2026-11-26.jsonl")
	got := records(t, path)
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3", len(got))
	}
	for i, r := range got {
		if want := string(ids[i]) + "/"; !strings.HasPrefix(r.ID, want) || r.MessageID != string(ids[i]) {
			t.Errorf("line %d: %+v, want message %s", i, r, ids[i])
		}
		if r.State != "failed" || r.From != "+447779998888" || r.AcceptedAt != "2026-11-26T23:58:59.900Z" {
			t.Errorf("line %d: %+v", i, r)
		}
	}
	for p, want := range map[string]os.FileMode{dir: 0o750, path: 0o640} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&^want != 0 || perm&0o600 != 0o600 {
			t.Errorf("%s mode %#o, want %#o (less only by the umask)", p, perm, want)
		}
	}
}

// TestFailedWriteMarksNothing: when the line cannot be written or synced,
// nothing is marked, and once the trouble is gone and the claim has run
// out every line is written.
func TestFailedWriteMarksNothing(t *testing.T) {
	for _, tt := range []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"the day's file cannot be opened", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o750); err != nil {
				t.Fatal(err)
			}
		}},
		{"the disk is full", func(t *testing.T, path string) {
			if _, err := os.Stat("/dev/full"); err != nil {
				t.Skip("no /dev/full here")
			}
			if err := os.Symlink("/dev/full", path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.SQLite(t)
			c := &clock{t: day1}
			w, dir, _ := newWriter(t, st, c)
			next := day1.Add(time.Hour) // the next day, whose file the writer opens afresh
			path := filepath.Join(dir, fileName(next))
			tt.spoil(t, path)
			c.set(next)
			acceptEnded(t, st, next, 2)
			if n, err := w.Flush(context.Background()); err == nil || n != 0 {
				t.Fatalf("Flush into a broken file: %d lines, %v; want an error", n, err)
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			c.set(next.Add(DefaultClaimFor - time.Millisecond))
			flush(t, w, 0) // still claimed by the failed try
			c.set(next.Add(DefaultClaimFor))
			flush(t, w, 2)
			if got := records(t, path); len(got) != 2 {
				t.Errorf("%d lines after the retry, want 2", len(got))
			}
		})
	}
}

// TestNewNeedsAPlaceToWrite: a directory the writer cannot write its
// file in stops it at the start, not at its first line.
func TestNewNeedsAPlaceToWrite(t *testing.T) {
	for _, tt := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
	}{
		{"a file where the directory should be", func(t *testing.T, dir string) {
			if err := os.WriteFile(dir, nil, 0o640); err != nil {
				t.Fatal(err)
			}
		}},
		{"a directory where the day's file should be", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, fileName(day1)), 0o750); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cdr")
			tt.spoil(t, dir)
			c := &clock{t: day1}
			if _, err := New(storetest.SQLite(t), Config{Dir: dir, Now: c.now}, slog.New(slog.DiscardHandler)); err == nil {
				t.Error("New: no error")
			}
		})
	}
}

// diesBeforeMark is the store as a writer sees it that is killed after
// its lines are synced and before it marks them written.
type diesBeforeMark struct{ *store.Store }

func (diesBeforeMark) CDRsWritten(context.Context, []int64, time.Time) error {
	return errors.New("killed")
}

// TestRestartWritesAgain: lines synced by a writer that died before
// marking them are written again by the next one, under the same cdr_id,
// once the dead writer's claim has run out; then never again.
func TestRestartWritesAgain(t *testing.T) {
	st := storetest.SQLite(t)
	c := &clock{t: day1.Add(-time.Hour)}
	dead, dir, _ := newWriter(t, diesBeforeMark{st}, c)
	acceptEnded(t, st, c.now(), 2)
	if n, err := dead.Flush(context.Background()); err == nil || n != 2 {
		t.Fatalf("Flush that dies before marking: %d lines, %v", n, err)
	}
	dead.closeFile()

	restarted, _ := writerIn(t, st, c, dir)
	flush(t, restarted, 0) // the dead writer's claim lives
	c.set(c.now().Add(DefaultClaimFor))
	flush(t, restarted, 2)
	flush(t, restarted, 0)
	got := cdrIDs(records(t, filepath.Join(dir, fileName(c.now()))))
	if len(got) != 4 || got[0] != got[2] || got[1] != got[3] || got[0] == got[1] {
		t.Errorf("cdr_ids %v, want the same two twice", got)
	}
}

// TestDayRotation: lines go to the file of the UTC day they are written
// on, whatever day their recipient ended; a day's file is left alone once
// the day is over.
func TestDayRotation(t *testing.T) {
	st := storetest.SQLite(t)
	c := &clock{t: day1}
	w, dir, _ := newWriter(t, st, c)
	acceptEnded(t, st, day1, 1)
	flush(t, w, 1)
	day2 := day1.Add(200 * time.Millisecond)
	c.set(day2)
	late := acceptEnded(t, st, day1, 1) // ended on day 1, written on day 2
	acceptEnded(t, st, day2, 1)
	flush(t, w, 2)

	first, second := records(t, filepath.Join(dir, "cdr-2026-11-26.jsonl")), records(t, filepath.Join(dir, "cdr-2026-11-27.jsonl"))
	if len(first) != 1 || len(second) != 2 {
		t.Fatalf("%d and %d lines, want 1 on the first day and 2 on the second", len(first), len(second))
	}
	if second[0].MessageID != string(late[0]) || second[0].FinalAt != "2026-11-26T23:59:59.900Z" {
		t.Errorf("the late line: %+v, want message %s ended on the first day", second[0], late[0])
	}
}

// TestPartialLineCut: a line that a crash cut short is cut off the end of
// the file when it is opened again, so the next line starts on a line of
// its own; whole lines stay.
func TestPartialLineCut(t *testing.T) {
	whole := `{"cdr_id":"m0/1","message_id":"m0","interface_in":"mm4","account":"","from":"","to":"","interface_out":"none","route":"none","size":0,"service_code":"","linked_id":"","accepted_at":"","final_at":"","state":"failed","attempts":0,"notifications":0}` + "\n"
	torn := `{"cdr_id":"m0/2","message_id":"m0","interface_in":"mm4","account":"` + strings.Repeat("x", 9000)
	for _, tt := range []struct {
		name   string
		before string
		kept   int // lines of before that stay
	}{
		{"a torn line after whole ones", whole + whole + torn, 2},
		{"only a torn line", torn[:100], 0},
		{"whole lines only", whole, 1},
		{"an empty file", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.SQLite(t)
			c := &clock{t: day1}
			dir := t.TempDir()
			path := filepath.Join(dir, fileName(day1))
			if err := os.WriteFile(path, []byte(tt.before), 0o640); err != nil {
				t.Fatal(err)
			}
			w, logs := writerIn(t, st, c, dir)
			acceptEnded(t, st, day1, 1)
			flush(t, w, 1)
			got := records(t, path)
			if len(got) != tt.kept+1 {
				t.Errorf("%d lines, want %d kept and the new one", len(got), tt.kept)
			}
			if cut := strings.Contains(logs.String(), "partial line"); cut != (tt.kept*len(whole) != len(tt.before)) {
				t.Errorf("logged a cut: %v; log:\n%s", cut, logs.String())
			}
		})
	}
}

// TestRun: a wake has the CDR written at once, without waiting for a
// poll, and one that comes while the writer rests after writing is kept
// for when it is done; when Run stops it writes what is still owed.
func TestRun(t *testing.T) {
	st := storetest.SQLite(t)
	dir := filepath.Join(t.TempDir(), "cdr")
	w, err := New(st, Config{Dir: dir, Poll: time.Hour}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	st.OnFinal(w.Wake)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	lines := func() int {
		l, _ := filepath.Glob(filepath.Join(dir, "cdr-*.jsonl"))
		n := 0
		for _, p := range l {
			b, _ := os.ReadFile(p)
			n += bytes.Count(b, []byte("\n"))
		}
		return n
	}

	for want := 1; want <= 2; want++ {
		acceptEnded(t, st, time.Now(), 1)
		for deadline := time.Now().Add(5 * time.Second); lines() < want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("woken, the writer wrote %d lines in 5 s, want %d", lines(), want)
			}
		}
	}
	st.OnFinal(func() {}) // the next ones are left to the last flush
	acceptEnded(t, st, time.Now(), 2)
	stop()
	<-done
	if n := lines(); n != 4 {
		t.Errorf("%d lines after Run stopped, want 4", n)
	}
}
