package main

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// An account's -max-connections, set and changed with the CLI, holds its
// sessions in mmsc serve; a change applies to a later login.
func TestAccountConnectionLimitServed(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	path, _ := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "acme", "-password", "pw", "-max-connections", "2", "-config", path); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, path)
	login := func() error {
		t.Helper()
		c, err := smtp.Dial(p.smtp())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c.Auth(sasl.NewPlainClient("", "acme", "pw"))
	}
	for i := range 2 {
		if err := login(); err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
	}
	err := login()
	if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 421 || !strings.Contains(se.Message, "for this account") {
		t.Fatalf("third session: %v, want 421 too many connections for this account", err)
	}
	if _, err := mmsc(t, "", "vasp", "set", "acme", "-max-connections", "3", "-config", path); err != nil {
		t.Fatal(err)
	}
	// An account read through a cache may take its TTL (seconds) to
	// change.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		err := login()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("third session after -max-connections 3: %v", err)
		}
	}
}
