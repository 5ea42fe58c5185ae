package smpp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/linxGnu/gosmpp/pdu"
)

func TestSubmitTwoSegmentWAPPush(t *testing.T) {
	tests := []struct {
		name                string
		source              string
		wantSource          string
		wantTON, wantNPI    byte
		registeredDelivery  bool
		wantRegisteredDlvry byte
	}{
		{"alphanumeric source", "", "MMSC", 5, 0, false, 0},
		{"international source", "+447700900123", "447700900123", 1, 1, true, 1},
		{"digits without plus", "447700900123", "447700900123", 1, 1, false, 0},
		{"named source", "Operator", "Operator", 5, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv.Addr())
			cfg.SourceAddr = tt.source
			c := startClient(t, cfg, nil, nil)
			connected(t, c)

			m := push("+447700900456", seg1, seg2)
			m.RegisteredDelivery = tt.registeredDelivery
			ids, err := c.Submit(ctxFor(t), m)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, []string{"1", "2"}) {
				t.Errorf("ids = %q, want [1 2]", ids)
			}
			subs := srv.Submits()
			if len(subs) != 2 {
				t.Fatalf("SMSC got %d submit_sm, want 2", len(subs))
			}
			for i, want := range [][]byte{seg1, seg2} {
				s := subs[i]
				if s.ESMClass != 0x40 || s.DataCoding != 0x04 {
					t.Errorf("segment %d: esm_class %#x data_coding %#x, want 0x40 0x04", i+1, s.ESMClass, s.DataCoding)
				}
				if !bytes.Equal(s.ShortMessage, want) {
					t.Errorf("segment %d: short_message\n got %x\nwant %x", i+1, s.ShortMessage, want)
				}
				if s.DestAddr != "447700900456" || s.DestTON != 1 || s.DestNPI != 1 {
					t.Errorf("segment %d: destination %q TON %d NPI %d, want 447700900456 1 1", i+1, s.DestAddr, s.DestTON, s.DestNPI)
				}
				if s.SourceAddr != tt.wantSource || s.SourceTON != tt.wantTON || s.SourceNPI != tt.wantNPI {
					t.Errorf("segment %d: source %q TON %d NPI %d, want %q %d %d", i+1,
						s.SourceAddr, s.SourceTON, s.SourceNPI, tt.wantSource, tt.wantTON, tt.wantNPI)
				}
				if s.RegisteredDelivery != tt.wantRegisteredDlvry {
					t.Errorf("segment %d: registered_delivery %d, want %d", i+1, s.RegisteredDelivery, tt.wantRegisteredDlvry)
				}
			}
		})
	}
}

// The submit_sm must be octet for octet the reference PDU of
// mms-encoding.md §10 (a single-SMS push, sequence number 1).
func TestSubmitSMMatchesReferenceFraming(t *testing.T) {
	const want = "000000ad00000004000000000000000100010134343737303039303031323300010134343737303039303034353600400000000000000400740605040b8423f0010603beaf848c82985430303031008d928919802b3434373730303930303132332f545950453d504c4d4e009610ea4e65777320666f7220746f646179008a808e021b588805810303f48083687474703a2f2f6d6d73632e6578616d706c652e636f6d2f6d2f61626331323300"
	ref := mustHex(want)
	segment := ref[57:] // after sm_length: the complete user data

	c := New(Config{SourceAddr: "+447700900123"}, nil, nil)
	pdus, err := c.submitPDUs(push("+447700900456", segment))
	if err != nil {
		t.Fatal(err)
	}
	pdus[0].SetSequenceNumber(1)
	buf := pdu.NewBuffer(nil)
	pdus[0].Marshal(buf)
	if got := fmt.Sprintf("%x", buf.Bytes()); got != want {
		t.Errorf("submit_sm\n got %s\nwant %s", got, want)
	}
}

func TestSubmitRefusesInvalidMessages(t *testing.T) {
	tests := []struct {
		name   string
		source string
		m      Message
	}{
		{"destination not a number", "", push("+44 7700", seg1)},
		{"destination empty", "", push("", seg1)},
		{"destination too long", "", push("+"+strings.Repeat("1", 21), seg1)},
		{"no segments", "", push("+447700900456")},
		{"empty segment", "", push("+447700900456", seg1, nil)},
		{"UDH longer than segment", "", push("+447700900456", []byte{0x0b, 0x05, 0x04})},
		{"segment over 254 octets", "", push("+447700900456", append([]byte{0}, make([]byte, 254)...))},
		{"alphanumeric source over 11 characters", "MMSC-Operator", push("+447700900456", seg1)},
	}
	srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(srv.Addr())
			cfg.SourceAddr = tt.source
			c := New(cfg, testLogger(t), nil)
			// Not running: validation must come before the link check.
			_, err := c.Submit(context.Background(), tt.m)
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("err = %v, want ErrInvalidMessage", err)
			}
			if Temporary(err) {
				t.Errorf("Temporary(%v) = true, want false", err)
			}
		})
	}
	if n := len(srv.Submits()); n != 0 {
		t.Errorf("SMSC got %d submit_sm for invalid messages", n)
	}
}

// Concurrent multi-segment messages share the window; each message's
// segments must still reach the SMSC in order.
func TestConcurrentSubmitsKeepSegmentOrder(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv.Addr())
	cfg.Window = 3
	c := startClient(t, cfg, nil, nil)
	connected(t, c)

	const messages, parts = 20, 3
	var wg sync.WaitGroup
	errs := make(chan error, messages)
	for ref := range messages {
		wg.Go(func() {
			segs := make([][]byte, parts)
			for i := range segs {
				segs[i] = []byte{0x05, 0x00, 0x03, byte(ref), parts, byte(i + 1), 0xee}
			}
			ids, err := c.Submit(ctxFor(t), push("+447700900456", segs...))
			if err == nil && len(ids) != parts {
				err = fmt.Errorf("message %d: %d ids", ref, len(ids))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	next := map[byte]byte{}
	for _, s := range srv.Submits() {
		ref, seq := s.ShortMessage[3], s.ShortMessage[5]
		if seq != next[ref]+1 {
			t.Errorf("message %d: segment %d arrived after segment %d", ref, seq, next[ref])
		}
		next[ref] = seq
	}
	if len(next) != messages {
		t.Errorf("SMSC saw %d messages, want %d", len(next), messages)
	}
}
