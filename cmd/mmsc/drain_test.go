package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
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
		acks       []acked
		signalled  time.Time
		told421    int
		unanswered []error
	)
	submitUntil(t, p, stopAt, syscall.SIGTERM, func(g, i int) mm4.ForwardRequest {
		return mm4.ForwardRequest{
			From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
			Subject: fmt.Sprintf("drain %d/%d", g, i), Text: "payload",
			Files: []mm4.File{{Name: "x.bin", ContentType: "application/octet-stream", Data: make([]byte, 8192+i)}},
		}
	}, func(id mms.MessageID, msg []byte) {
		if acks = append(acks, acked{id, sha256.Sum256(normalizeCRLF(msg))}); len(acks) == stopAt {
			signalled = time.Now()
		}
	}, func(err error) {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code == 421 {
			told421++
		} else {
			unanswered = append(unanswered, err)
		}
	}, "+447778889999")

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
	if all := checkAcked(t, openStopped(t, dataDir), acks); len(all) != len(acks) {
		t.Errorf("%d messages stored, %d acknowledged: a stop must answer every message it stores", len(all), len(acks))
	}
}
