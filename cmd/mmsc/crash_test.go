package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
)

var idRE = regexp.MustCompile(`Message Accepted <([0-9a-z]{26})>`)

// acked is what the client was told: the message with this raw content was
// accepted under this ID.
type acked struct {
	id  mms.MessageID
	sum [32]byte
}

// TestCrashLosesNothing submits from several connections, SIGKILLs the
// server mid-stream, restarts it, and checks that every message that got a
// 250 is there, byte for byte, with its parts and recipients, and that no
// message is there half.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	path, dataDir := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, path)

	var acks []acked
	const killAt = 400 // acknowledged messages before the kill
	submitUntilKilled(t, p, killAt, func(g, i int) mm4.ForwardRequest {
		return mm4.ForwardRequest{
			From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
			Subject: fmt.Sprintf("crash %d/%d", g, i), Text: "payload",
			Files: []mm4.File{{Name: "x.bin", ContentType: "application/octet-stream", Data: make([]byte, 4096+i)}},
		}
	}, func(id mms.MessageID, msg []byte) { acks = append(acks, acked{id, sha256.Sum256(normalizeCRLF(msg))}) },
		"+447778889999")

	// Restart on the same data: recovery must leave it all readable.
	p2 := startProcess(t, path)
	c, err := smtp.Dial(p2.smtp())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	p2.cmd.Process.Signal(syscall.SIGTERM)
	p2.cmd.Wait()

	st := openStopped(t, dataDir)
	all := checkAcked(t, st, acks)
	for _, s := range all {
		if len(s.Parts) != 3 || len(s.Recipients) != 1 {
			t.Errorf("half message %s: %d parts, %d recipients", s.ID, len(s.Parts), len(s.Recipients))
		}
		// Stored but perhaps never acknowledged: still whole, content included.
		if m, err := st.Message(context.Background(), s.ID); err != nil || int64(len(m.Raw)) != s.Size {
			t.Errorf("message %s unreadable after the crash: %v", s.ID, err)
		}
	}
	t.Logf("%d acknowledged before SIGKILL, %d stored (the rest were in flight, never acknowledged)", len(acks), len(all))
	if len(acks) < killAt {
		t.Fatalf("only %d acknowledgements", len(acks))
	}
}

// openStopped opens the SQLite store of a node that has stopped, for the
// test to read; it is closed with the test.
func openStopped(t testing.TB, dataDir string) *store.Store {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), dataDir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// checkAcked fails t for each acknowledged message st lacks or holds
// changed, and for a stored one that is not whole (3 parts: SMIL, text and
// the file; 1 recipient); it returns every message st holds.
func checkAcked(t *testing.T, st *store.Store, acks []acked) []mms.Summary {
	t.Helper()
	for _, a := range acks {
		m, err := st.Message(context.Background(), a.id)
		if err != nil {
			t.Errorf("acknowledged message %s lost: %v", a.id, err)
			continue
		}
		if sha256.Sum256(m.Raw) != a.sum {
			t.Errorf("message %s changed on disk", a.id)
		}
		if len(m.Parts) != 3 || len(m.Recipients) != 1 {
			t.Errorf("message %s has %d parts and %d recipients, want 3 (SMIL, text, file) and 1", m.ID, len(m.Parts), len(m.Recipients))
		}
	}
	all, err := st.Messages(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// submitUntilKilled submits, from 8 connections at once, message i of
// connection g as build says, to numbers, until killAt messages have been
// acknowledged; then it SIGKILLs p and waits for it. acked is told of each
// acknowledged message, one call at a time.
func submitUntilKilled(t *testing.T, p *process, killAt int, build func(g, i int) mm4.ForwardRequest,
	acked func(mms.MessageID, []byte), numbers ...string) {
	t.Helper()
	submitUntil(t, p, killAt, syscall.SIGKILL, build, acked, nil, numbers...)
	p.cmd.Wait()
}

// submitUntil is submitUntilKilled with sig for the signal, and without
// the wait for p: each connection submits until its first error, which
// ended (if not nil) is told of, one call at a time.
func submitUntil(t *testing.T, p *process, at int, sig syscall.Signal, build func(g, i int) mm4.ForwardRequest,
	acked func(mms.MessageID, []byte), ended func(error), numbers ...string) {
	t.Helper()
	var (
		mu sync.Mutex
		n  int
		wg sync.WaitGroup
	)
	killed := make(chan struct{})
	for g := range 8 {
		wg.Go(func() {
			c, err := smtp.Dial(p.smtp())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := 0; ; i++ {
				msg, err := mm4.Build(build(g, i))
				if err != nil {
					t.Error(err)
					return
				}
				id, err := submitFor(c, msg, numbers...)
				if err != nil { // this message was never acknowledged
					if ended != nil {
						mu.Lock()
						ended(err)
						mu.Unlock()
					}
					return
				}
				mu.Lock()
				acked(id, msg)
				if n++; n == at {
					p.cmd.Process.Signal(sig)
					close(killed)
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		t.Fatal("never reached the kill point")
	}
	wg.Wait()
}

// submitOne sends one message on an open connection and returns its ID.
func submitOne(c *smtp.Client, msg []byte) (mms.MessageID, error) {
	return submitFor(c, msg, "+447778889999")
}

// submitFor is submitOne to the given numbers.
func submitFor(c *smtp.Client, msg []byte, numbers ...string) (mms.MessageID, error) {
	if err := c.Mail("+447779998888/TYPE=PLMN@mms.example.net", nil); err != nil {
		return "", err
	}
	for _, number := range numbers {
		if err := c.Rcpt(number+"/TYPE=PLMN@mms.example.net", nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(msg); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	m := idRE.FindStringSubmatch(resp.StatusText)
	if m == nil {
		return "", fmt.Errorf("no message ID in %q", resp.StatusText)
	}
	return mms.MessageID(m[1]), nil
}

// normalizeCRLF is the message as it travels: go-smtp's client writes CRLF.
func normalizeCRLF(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b[i])
	}
	return out
}
