package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestTenCrashesLoseNothing: ten times over, the server is SIGKILLed while
// eight clients submit, and started again on the same data (issue #25:
// "ten kill -9 cycles under load lost and duplicated nothing"). Afterwards
// every message that got a 250 is there once, byte for byte, with every
// part whole; no submission is stored twice; and the messages stored
// without a 250 are at most those in flight at the kills.
func TestTenCrashesLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const (
		cycles  = 10
		killAt  = 500 // acknowledged messages per cycle before its kill
		clients = 8   // submitUntilKilled's connections: at most one message each in flight at a kill
	)
	path, dataDir := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	type sent struct {
		acked
		file int // the attached file's size: 1000 + its submission's number
	}
	acks := map[string]sent{} // by subject, which names the cycle, the client and the submission
	start := time.Now()
	for cycle := range cycles {
		p := startProcess(t, path)
		sizes := map[string]int{}
		submitUntilKilled(t, p, killAt, func(g, i int) mm4.ForwardRequest {
			subject := fmt.Sprintf("cycle %d client %d message %d", cycle, g, i)
			return mm4.ForwardRequest{
				From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
				Subject: subject, Text: "payload",
				Files: []mm4.File{{Name: "x.bin", ContentType: "application/octet-stream", Data: pattern(1000 + i)}},
			}
		}, func(id mms.MessageID, msg []byte) {
			m, err := mm4.Parse(msg, time.Now())
			if err != nil {
				t.Errorf("the message just acknowledged as %s does not parse: %v", id, err)
				return
			}
			acks[m.Subject] = sent{acked{id, sha256.Sum256(normalizeCRLF(msg))}, 0}
			sizes[m.Subject] = len(m.Parts[len(m.Parts)-1].Data)
		}, "+447778889999")
		for subject, n := range sizes {
			a := acks[subject]
			a.file = n
			acks[subject] = a
		}
		if t.Failed() {
			return
		}
	}
	killed := time.Since(start)

	// Started once more, and stopped cleanly: recovery leaves it all
	// readable.
	p := startProcess(t, path)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("the server after the last crash: %v", err)
	}

	st := openStopped(t, dataDir)
	all, err := st.Messages(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	bySubject := map[string][]mms.MessageID{}
	for _, s := range all {
		bySubject[s.Subject] = append(bySubject[s.Subject], s.ID)
		if len(s.Parts) != 3 || len(s.Recipients) != 1 {
			t.Errorf("half message %s: %d parts, %d recipients", s.ID, len(s.Parts), len(s.Recipients))
		}
	}
	var lost, twice, changed int
	for subject, ids := range bySubject {
		if len(ids) > 1 {
			twice++
			t.Errorf("%q stored %d times: %v", subject, len(ids), ids)
		}
	}
	for subject, a := range acks {
		ids := bySubject[subject]
		if len(ids) == 0 || ids[0] != a.id {
			lost++
			t.Errorf("acknowledged %q (%s) lost: stored as %v", subject, a.id, ids)
			continue
		}
		m, err := st.Message(context.Background(), a.id)
		if err != nil {
			lost++
			t.Errorf("acknowledged %q (%s) unreadable: %v", subject, a.id, err)
			continue
		}
		if sha256.Sum256(m.Raw) != a.sum || len(m.Parts) != 3 || !bytes.Equal(m.Parts[2].Data, pattern(a.file)) {
			changed++
			t.Errorf("message %s changed on disk: %d parts", a.id, len(m.Parts))
		}
	}
	unacked := len(all) - (len(acks) - lost)
	if unacked < 0 || unacked > cycles*clients {
		t.Errorf("%d stored without a 250; want at most the %d that can be in flight at %d kills", unacked, cycles*clients, cycles)
	}
	t.Logf("%d kill -9 cycles in %v: %d acknowledged, %d of them found whole; %d stored in all (%d in flight at a kill); %d lost, %d twice, %d changed",
		cycles, killed.Round(time.Millisecond), len(acks), len(acks)-lost-changed, len(all), unacked, lost, twice, changed)
	if len(acks) < cycles*killAt {
		t.Errorf("only %d acknowledgements", len(acks))
	}
}

// pattern is n bytes that tell a shifted or truncated copy from the
// original, unlike zeros.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}
