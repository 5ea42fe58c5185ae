package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

func TestSMSCStatusesReachTheCaller(t *testing.T) {
	tests := []struct {
		status    uint32
		temporary bool
		text      string
	}{
		{0x58, true, "smpp: submit_sm refused: ESME_RTHROTTLED (0x00000058)"},
		{0x14, true, "ESME_RMSGQFUL (0x00000014)"},
		{0x08, true, "ESME_RSYSERR (0x00000008)"},
		{0x64, true, "ESME_RX_T_APPN (0x00000064)"},
		{0x45, true, "ESME_RSUBMITFAIL (0x00000045)"},
		{0x0B, false, "ESME_RINVDSTADR (0x0000000B)"},
		{0x0A, false, "ESME_RINVSRCADR (0x0000000A)"},
		{0x400, true, "vendor-specific (0x00000400)"},
	}
	srv := newServer(t)
	c := startClient(t, testConfig(srv.Addr()), nil, nil)
	connected(t, c)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%#x", tt.status), func(t *testing.T) {
			srv.SetHandler(func(smsctest.Submit) uint32 { return tt.status })
			_, err := c.Submit(ctxFor(t), push("+447700900456", seg1))
			var se *StatusError
			if !errors.As(err, &se) || se.Status != tt.status {
				t.Fatalf("err = %v, want StatusError %#x", err, tt.status)
			}
			if Temporary(err) != tt.temporary || se.Temporary() != tt.temporary {
				t.Errorf("Temporary = %v, want %v", Temporary(err), tt.temporary)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q lacks %q", err, tt.text)
			}
		})
	}
	if !c.Connected() {
		t.Error("refused submits must not cost the link")
	}
}

// The classification table, one line per row of status.go.
func TestStatusClassification(t *testing.T) {
	temporary := []uint32{0x04, 0x05, 0x08, 0x0D, 0x0E, 0x0F, 0x14, 0x45, 0x58, 0x64, 0xFE, 0xFF, 0x400, 0x4FF, 0x99}
	permanent := []uint32{0x01, 0x02, 0x03, 0x06, 0x07, 0x0A, 0x0B, 0x0C, 0x11, 0x13, 0x15, 0x33, 0x34, 0x40,
		0x42, 0x43, 0x44, 0x48, 0x49, 0x50, 0x51, 0x53, 0x54, 0x55, 0x61, 0x62, 0x63, 0x65, 0x66, 0x67,
		0xC0, 0xC1, 0xC2, 0xC3, 0xC4}
	for _, s := range temporary {
		if !(&StatusError{Status: s}).Temporary() {
			t.Errorf("%#x (%s) classified permanent, want temporary", s, StatusName(s))
		}
	}
	for _, s := range permanent {
		if (&StatusError{Status: s}).Temporary() {
			t.Errorf("%#x (%s) classified temporary, want permanent", s, StatusName(s))
		}
		if name := StatusName(s); !strings.HasPrefix(name, "ESME_") {
			t.Errorf("%#x has no symbolic name (%q)", s, name)
		}
	}
	if got := (&StatusError{Status: 0x0E, Command: "bind_transceiver"}).Error(); got != "smpp: bind_transceiver refused: ESME_RINVPASWD (0x0000000E)" {
		t.Errorf("bind error text %q", got)
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"no link", ErrNoLink, true},
		{"link dropped, wrapped", fmt.Errorf("segment 1/2: %w", ErrLinkDropped), true},
		{"response timeout", ErrResponseTimeout, true},
		{"context deadline", context.DeadlineExceeded, true},
		{"network error", &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, true},
		{"unclassified error", errors.New("something odd"), true},
		{"invalid message", fmt.Errorf("x: %w", ErrInvalidMessage), false},
		{"throttled, wrapped", fmt.Errorf("x: %w", &StatusError{Status: 0x58}), true},
		{"invalid destination, wrapped", fmt.Errorf("x: %w", &StatusError{Status: 0x0B}), false},
	}
	for _, tt := range tests {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("%s: Temporary(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
