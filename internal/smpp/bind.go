package smpp

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// bind dials the SMSC and binds as a transceiver (SMPP v3.4 §4.1.5). The
// TCP connect and the wait for bind_transceiver_resp are both bounded by
// SubmitTimeout and by ctx: an SMSC that accepts the connection and never
// answers must not stall the rebind loop.
func (c *Client) bind(ctx context.Context) (*link, error) {
	d := net.Dialer{Timeout: c.cfg.SubmitTimeout}
	conn, err := d.DialContext(ctx, "tcp", c.cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("smpp: connecting: %w", err)
	}
	if conn.LocalAddr().String() == conn.RemoteAddr().String() {
		// TCP simultaneous open: dialling a free local port can connect the
		// socket to itself, which would then wait for its own bind answer.
		_ = conn.Close()
		return nil, fmt.Errorf("smpp: connecting: %s connected to itself; nothing listens there", c.cfg.Address)
	}
	if err := conn.SetDeadline(time.Now().Add(c.cfg.SubmitTimeout)); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("smpp: connecting: %w", err)
	}
	// Cancelling ctx moves the deadline to now, which ends a blocked read.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	l := newLink(conn, c.window, c.cfg.SubmitTimeout)
	req := pdu.NewBindRequest(pdu.Transceiver)
	req.SystemID = c.cfg.SystemID
	req.Password = c.cfg.Password
	req.SystemType = c.cfg.SystemType
	seq, err := l.request(req)
	if err != nil {
		return nil, fmt.Errorf("smpp: sending bind_transceiver: %w", err)
	}
	for {
		f, err := readFrame(l.r)
		if err != nil {
			l.kill(err)
			return nil, fmt.Errorf("smpp: awaiting bind_transceiver_resp: %w", err)
		}
		// A generic_nack may carry sequence number 0 when the SMSC could
		// not read ours (§4.3).
		answer := (f.id == data.BIND_TRANSCEIVER_RESP && f.seq == seq) ||
			(f.id == data.GENERIC_NACK && (f.seq == seq || f.seq == 0))
		if !answer {
			// Nothing else is allowed before the bind completes (§2.3);
			// skip it rather than guess what it means.
			c.log.Debug("smpp: PDU before bind_transceiver_resp ignored", "command_id", f.id)
			continue
		}
		if f.status != 0 {
			err := &StatusError{Status: f.status, Command: "bind_transceiver"}
			l.kill(err)
			return nil, err
		}
		if !stop() {
			// ctx ended while the bind completed; the deadline is now.
			l.kill(context.Cause(ctx))
			return nil, context.Cause(ctx)
		}
		if err := conn.SetDeadline(time.Time{}); err != nil {
			l.kill(err)
			return nil, fmt.Errorf("smpp: after bind: %w", err)
		}
		return l, nil
	}
}
