package smpp

import (
	"bytes"
	"encoding/hex"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// Optional parameter tags (SMPP v3.4 §5.3.2). gosmpp names 0x0427
// TagMessageStateOption; these are the specification's names.
const (
	tagReceiptedMessageID pdu.Tag = 0x001E // §5.3.2.12
	tagMessagePayload     pdu.Tag = 0x0424 // §5.3.2.32
	tagMessageState       pdu.Tag = 0x0427 // §5.3.2.35
)

// deliver handles a deliver_sm: a delivery receipt goes to onReceipt, a
// mobile-originated SMS is only logged. Whatever happens — a body gosmpp
// cannot decode, a nil encoding (gosmpp#172), a panic in the parser or in
// onReceipt — the deliver_sm is answered ESME_ROK and the link lives on.
func (c *Client) deliver(l *link, f frame) {
	defer func() {
		if v := recover(); v != nil {
			c.log.Error("smpp: deliver_sm handling panicked; acknowledged and dropped",
				"panic", v, "pdu", hex.EncodeToString(f.raw))
		}
	}()
	defer func() {
		// Deferred after the recover, so it runs first, panicking or not:
		// every deliver_sm is answered. A failed write has killed the link,
		// which readLoop notices on its next read.
		resp := pdu.NewDeliverSMResp()
		resp.SetSequenceNumber(f.seq)
		_ = l.respond(resp)
	}()

	p, err := pdu.Parse(bytes.NewReader(f.raw))
	sm, ok := p.(*pdu.DeliverSM)
	if err != nil || !ok {
		c.log.Warn("smpp: undecodable deliver_sm acknowledged and dropped",
			"err", err, "pdu", hex.EncodeToString(f.raw))
		return
	}
	if !isReceipt(sm.EsmClass) {
		c.log.Info("smpp: mobile-originated SMS acknowledged and dropped",
			"from", sm.SourceAddr.Address(), "to", sm.DestAddr.Address(),
			"esm_class", sm.EsmClass, "data_coding", dataCoding(sm.Message))
		return
	}
	r := receiptFrom(sm)
	c.log.Debug("smpp: delivery receipt", "message_id", r.MessageID, "stat", r.Stat, "err", r.Err)
	if c.onReceipt != nil {
		c.onReceipt(r)
	}
}

// isReceipt reads the message type bits 5–2 of a deliver_sm's esm_class
// (§5.2.12): 0001 is an SMSC delivery receipt, 1000 an intermediate
// delivery notification. Both report on a message we sent.
func isReceipt(esmClass byte) bool {
	t := esmClass & 0x3C
	return t == 0x04 || t == 0x20
}

// receiptFrom reads a receipt from the text and, where present, the TLVs,
// which are structured and so preferred over the text.
func receiptFrom(sm *pdu.DeliverSM) Receipt {
	r := ParseReceipt(messageText(sm))
	if f, ok := sm.OptionalParameters[tagReceiptedMessageID]; ok {
		if id := string(bytes.TrimRight(f.Data, "\x00")); id != "" {
			r.MessageID = id
		}
	}
	if f, ok := sm.OptionalParameters[tagMessageState]; ok && len(f.Data) == 1 {
		if s := messageState(f.Data[0]); s != "" {
			r.Stat = s
		}
	}
	r.From = sm.SourceAddr.Address()
	r.To = sm.DestAddr.Address()
	return r
}

// messageText returns the receipt text from short_message, or from
// message_payload when short_message is empty (§5.3.2.32). It works on
// the raw octets: receipt texts are ASCII, which GSM 7-bit unpacked, Latin
// 1 and 8-bit data all carry unchanged. Only UCS-2 needs decoding, and the
// encoding is nil-checked because gosmpp v0.3.1 leaves it nil for any
// data_coding outside its table (gosmpp#172).
func messageText(sm *pdu.DeliverSM) string {
	raw, _ := sm.Message.GetMessageData()
	if len(raw) == 0 {
		if f, ok := sm.OptionalParameters[tagMessagePayload]; ok {
			raw = f.Data
		}
	}
	if enc := sm.Message.Encoding(); enc != nil && enc.DataCoding() == data.UCS2Coding {
		if s, err := enc.Decode(raw); err == nil {
			return s
		}
	}
	return string(raw)
}

// dataCoding is the short message's data_coding for logs, or -1 where
// gosmpp lost it (gosmpp#172).
func dataCoding(m pdu.ShortMessage) int {
	if enc := m.Encoding(); enc != nil {
		return int(enc.DataCoding())
	}
	return -1
}

// messageState names a message_state value (§5.2.28) the way receipt
// texts abbreviate it (Appendix B).
func messageState(v byte) string {
	switch v {
	case 1:
		return "ENROUTE"
	case 2:
		return "DELIVRD"
	case 3:
		return "EXPIRED"
	case 4:
		return "DELETED"
	case 5:
		return "UNDELIV"
	case 6:
		return "ACCEPTD"
	case 7:
		return "UNKNOWN"
	case 8:
		return "REJECTD"
	}
	return ""
}
