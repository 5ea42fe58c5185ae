package smsctest

import (
	"fmt"
	"time"
)

// boundConn picks a bound connection for a server-initiated deliver_sm.
func (s *Server) boundConn() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.bound {
			return c
		}
	}
	return nil
}

// submitFor finds the recorded submit_sm with this message id.
func (s *Server) submitFor(messageID string) (Submit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.submits {
		if sub.MessageID == messageID {
			return sub, true
		}
	}
	return Submit{}, false
}

// SendReceipt sends a bound client a delivery receipt (esm_class 0x04) in
// the usual text form for messageID with the given stat (DELIVRD,
// UNDELIV, …). If the id belongs to a recorded submit, the receipt's
// addresses are that submit's, reversed, as a real SMSC sends them.
func (s *Server) SendReceipt(messageID, stat string) error {
	d := DeliverSM{ESMClass: 0x04}
	if sub, ok := s.submitFor(messageID); ok {
		d.SourceAddr, d.DestAddr = sub.DestAddr, sub.SourceAddr
	}
	dlvrd, errCode := "000", "001"
	if stat == "DELIVRD" {
		dlvrd, errCode = "001", "000"
	}
	now := time.Now().UTC().Format("0601021504")
	d.ShortMessage = fmt.Appendf(nil, "id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:",
		messageID, dlvrd, now, now, stat, errCode)
	return s.SendRaw(d)
}

// SendRaw sends d as a deliver_sm to a bound client.
func (s *Server) SendRaw(d DeliverSM) error {
	c := s.boundConn()
	if c == nil {
		return ErrNotBound
	}
	return c.sendDeliver(d)
}
