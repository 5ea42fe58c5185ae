package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/store"
)

// TestSIGTERMDuringBurst: mmsc serve is told to stop while 8 clients
// submit as fast as they can. Every message in hand is finished and
// answered 250; every client is then told 421 at its next command, never
// left without a reply; serve exits 0; and each acknowledged message is
// stored whole (issue #25: "SIGTERM during a burst answered the DATA in
// flight, stored all acknowledged messages and exited 0").
func TestSIGTERMDuringBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	path, dataDir := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, path)

	const stopAt = 300 // acknowledged messages before the SIGTERM
	var (
		mu         sync.Mutex
		acks       []acked
		told421    int
		unanswered []error
		stopped    = make(chan time.Time, 1)
		wg         sync.WaitGroup
	)
	for g := range 8 {
		wg.Go(func() {
			c, err := smtp.Dial(p.smtp())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := 0; ; i++ {
				msg, err := mm4.Build(mm4.ForwardRequest{
					From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
					Subject: fmt.Sprintf("drain %d/%d", g, i), Text: "payload",
					Files: []mm4.File{{Name: "x.bin", ContentType: "application/octet-stream", Data: make([]byte, 8192+i)}},
				})
				if err != nil {
					t.Error(err)
					return
				}
				id, err := submitFor(c, msg, "+447778889999")
				mu.Lock()
				var se *smtp.SMTPError
				switch {
				case err == nil:
					acks = append(acks, acked{id, sha256.Sum256(normalizeCRLF(msg))})
					if len(acks) == stopAt {
						p.cmd.Process.Signal(syscall.SIGTERM)
						stopped <- time.Now()
					}
				case errors.As(err, &se) && se.Code == 421:
					told421++
				default:
					unanswered = append(unanswered, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	var signalled time.Time
	select {
	case signalled = <-stopped:
	default:
		t.Fatalf("only %d messages acknowledged, the server was never stopped", len(acks))
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("mmsc serve after SIGTERM: %v (want exit status 0)\n%s", err, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("mmsc serve still running 30 s after SIGTERM")
	}
	t.Logf("%d acknowledged (SIGTERM after %d), %d clients told 421, serve exited %v after the signal",
		len(acks), stopAt, told421, time.Since(signalled).Round(time.Millisecond))
	if len(unanswered) > 0 {
		t.Errorf("%d clients were left without a reply: %v", len(unanswered), unanswered)
	}
	if told421 != 8-len(unanswered) {
		t.Errorf("%d clients told 421, want every one of the 8", told421)
	}

	st, err := store.OpenSQLite(context.Background(), dataDir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, a := range acks {
		m, err := st.Message(context.Background(), a.id)
		if err != nil {
			t.Errorf("acknowledged message %s lost: %v", a.id, err)
			continue
		}
		if sha256.Sum256(m.Raw) != a.sum {
			t.Errorf("message %s changed on disk", a.id)
		}
	}
	all, err := st.Messages(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(acks) {
		t.Errorf("%d messages stored, %d acknowledged: a stop must answer every message it stores", len(all), len(acks))
	}
}
