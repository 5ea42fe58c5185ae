package smpp

import (
	"context"
	"fmt"
	"time"

	"github.com/linxGnu/gosmpp/pdu"
)

// Message is one SMS-level message: a WAP Push or a text, possibly
// concatenated.
type Message struct {
	// To is the subscriber, "+447700900456"; sent as TON 1 NPI 1 without
	// the "+".
	To string
	// Segments are the complete user data of each SMS, each beginning with
	// its UDH (UDHL first) unless NoUDH. One submit_sm is sent per segment.
	Segments [][]byte
	// DataCoding is 0x04 (8-bit) for WAP Push; 0x00 (GSM 7-bit) or 0x08
	// (UCS-2) for text.
	DataCoding byte
	// RegisteredDelivery asks the SMSC for a delivery receipt of each SMS
	// (registered_delivery 0x01). It says nothing about MMS retrieval.
	RegisteredDelivery bool
	// NoUDH: the segments are plain user data without a UDH (a text SMS
	// that fits one message), sent with esm_class 0.
	NoUDH bool
}

const (
	esmClassUDHI = 0x40 // §5.2.12: the short_message begins with a UDH
	maxSegment   = 254  // §5.2.21: sm_length is at most 254
)

// Submit sends one submit_sm per segment, in order and on one link, and
// waits for every submit_sm_resp. It returns the SMSC's message id for
// each segment. Each segment waits for the rate limit and for a free window
// slot. If the link drops, Submit fails at once with ErrLinkDropped; the
// caller should then resend the whole message (with a new concatenation
// reference). Use Temporary to decide whether to retry.
func (c *Client) Submit(ctx context.Context, m Message) (ids []string, err error) {
	pdus, err := c.submitPDUs(m)
	if err != nil {
		return nil, err
	}
	l := c.link.Load()
	if l == nil {
		return nil, ErrNoLink
	}

	sent := make([]*pending, 0, len(pdus))
	defer func() {
		for _, pend := range sent {
			l.abandon(pend) // frees the slots of any still unanswered
		}
	}()
	for i, p := range pdus {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, fmt.Errorf("smpp: segment %d/%d waiting for the rate limit: %w", i+1, len(pdus), err)
		}
		if err := c.acquire(ctx, l); err != nil {
			return nil, fmt.Errorf("smpp: segment %d/%d waiting for the window: %w", i+1, len(pdus), err)
		}
		pend, err := l.send(p)
		if err != nil {
			return nil, fmt.Errorf("smpp: segment %d/%d: %w", i+1, len(pdus), err)
		}
		sent = append(sent, pend)
	}

	ids = make([]string, len(sent))
	for i, pend := range sent {
		if ids[i], err = c.await(ctx, pend); err != nil {
			return nil, fmt.Errorf("smpp: segment %d/%d to %s: %w", i+1, len(pdus), m.To, err)
		}
	}
	return ids, nil
}

// acquire takes a window slot, giving up if the link dies meanwhile.
func (c *Client) acquire(ctx context.Context, l *link) error {
	select {
	case c.window <- struct{}{}:
		return nil
	case <-l.done:
		return ErrLinkDropped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// await waits for one segment's response, at most SubmitTimeout after it
// was written.
func (c *Client) await(ctx context.Context, pend *pending) (string, error) {
	t := time.NewTimer(time.Until(pend.sentAt.Add(c.cfg.SubmitTimeout)))
	defer t.Stop()
	select {
	case r := <-pend.ch:
		return r.id, r.err
	case <-t.C:
		c.submitted("timeout")
		return "", fmt.Errorf("%w (%s)", ErrResponseTimeout, c.cfg.SubmitTimeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// submitted tells the observer, if any, how a submit_sm was answered.
func (c *Client) submitted(status string) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.Submitted(status)
	}
}

// submitPDUs checks m and builds its submit_sm PDUs, so that a message that
// can never be sent fails before anything is written.
func (c *Client) submitPDUs(m Message) ([]pdu.PDU, error) {
	if c.sourceErr != nil {
		return nil, c.sourceErr
	}
	dest, err := destAddress(m.To)
	if err != nil {
		return nil, err
	}
	if len(m.Segments) == 0 {
		return nil, fmt.Errorf("%w: no segments", ErrInvalidMessage)
	}
	enc := rawCoding(m.DataCoding)
	pdus := make([]pdu.PDU, len(m.Segments))
	for i, seg := range m.Segments {
		// With UDHI set the SMSC reads seg[0] as the UDH length; a segment
		// too short for its own UDH would reach the handset as garbage.
		if len(seg) == 0 || len(seg) > maxSegment || (!m.NoUDH && int(seg[0])+1 > len(seg)) {
			return nil, fmt.Errorf("%w: segment %d: %d octets, not a UDH plus at most %d octets in all",
				ErrInvalidMessage, i+1, len(seg), maxSegment)
		}
		p := pdu.NewSubmitSM()
		sm := p.(*pdu.SubmitSM)
		sm.SourceAddr = c.source
		sm.DestAddr = dest
		if !m.NoUDH {
			sm.EsmClass = esmClassUDHI
		}
		if m.RegisteredDelivery {
			sm.RegisteredDelivery = 0x01 // §5.2.17: SMSC receipt on final outcome
		}
		if err := sm.Message.SetMessageDataWithEncoding(seg, enc); err != nil {
			return nil, fmt.Errorf("%w: segment %d: %v", ErrInvalidMessage, i+1, err)
		}
		pdus[i] = p
	}
	return pdus, nil
}
