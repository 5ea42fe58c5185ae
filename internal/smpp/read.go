package smpp

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

var errPeerUnbound = errors.New("smpp: the SMSC unbound")

// readLoop reads the link until it fails. The read deadline is renewed
// before every PDU: enquire_link goes out every EnquireLink, so a live SMSC
// always sends something within EnquireLink+SubmitTimeout, and silence for
// longer means the link is dead even if TCP has not noticed.
func (c *Client) readLoop(l *link) error {
	idle := c.cfg.EnquireLink + c.cfg.SubmitTimeout
	for {
		if err := l.conn.SetReadDeadline(time.Now().Add(idle)); err != nil {
			return err
		}
		f, err := readFrame(l.r)
		if err != nil {
			return fmt.Errorf("smpp: reading: %w", err)
		}
		if err := c.dispatch(l, f); err != nil {
			return err
		}
	}
}

func (c *Client) dispatch(l *link, f frame) error {
	switch f.id {
	case data.SUBMIT_SM_RESP:
		if !l.resolve(f.seq, c.submitResult(f)) {
			c.log.Warn("smpp: submit_sm_resp for no waiting submit (late after a timeout?)",
				"seq", f.seq, "status", StatusName(f.status))
			break // counted as a timeout already
		}
		c.submitted(StatusName(f.status))
	case data.GENERIC_NACK:
		// §4.3: the SMSC could not read one of our PDUs. If it was a
		// submit_sm, that submit has failed with this status.
		if !l.resolve(f.seq, result{err: &StatusError{Status: f.status, Command: "submit_sm (generic_nack)"}}) {
			c.log.Warn("smpp: generic_nack", "seq", f.seq, "status", StatusName(f.status))
			break
		}
		c.submitted(StatusName(f.status))
	case data.DELIVER_SM:
		c.deliver(l, f)
	case data.ENQUIRE_LINK:
		resp := pdu.NewEnquireLinkResp()
		resp.SetSequenceNumber(f.seq)
		return l.respond(resp)
	case data.ENQUIRE_LINK_RESP:
		// Its arrival has renewed the read deadline; nothing else to do.
	case data.UNBIND:
		resp := pdu.NewUnbindResp()
		resp.SetSequenceNumber(f.seq)
		_ = l.respond(resp)
		return errPeerUnbound
	case data.UNBIND_RESP:
		l.markUnbound()
	case data.ALERT_NOTIFICATION:
		// §4.12: has no response; it concerns data_sm users, not us.
	default:
		if f.isRequest() {
			// §4.3: answer what we do not handle, or the SMSC waits for ever.
			nack := pdu.NewGenericNack()
			nack.SetSequenceNumber(f.seq)
			nack.(*pdu.GenericNack).CommandStatus = data.ESME_RINVCMDID
			c.log.Info("smpp: request not handled, answered generic_nack", "command_id", f.id)
			return l.respond(nack)
		}
		c.log.Debug("smpp: unexpected response ignored", "command_id", f.id, "seq", f.seq)
	}
	return nil
}

// submitResult turns a submit_sm_resp into the submitter's answer. The
// status comes from the header, so even a body gosmpp cannot decode still
// tells accepted from refused.
func (c *Client) submitResult(f frame) result {
	if f.status != 0 {
		return result{err: &StatusError{Status: f.status}}
	}
	p, err := pdu.Parse(bytes.NewReader(f.raw))
	resp, ok := p.(*pdu.SubmitSMResp)
	if err != nil || !ok {
		c.log.Warn("smpp: submit_sm_resp accepted but undecodable; message id unknown", "seq", f.seq, "err", err)
		return result{}
	}
	return result{id: resp.MessageID}
}
