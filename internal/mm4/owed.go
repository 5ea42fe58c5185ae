package mm4

import (
	"cmp"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// ForwardResponder writes what a forward request is owed once its
// recipients are routed: the MM4_forward.RES its originator asked for with
// X-Mms-Ack-Request: Yes (TS 23.140 §8.4.2). The accept path stores it
// with the message, in the same durable step, because the response must
// not be lost when the message is not.
type ForwardResponder struct {
	System string // our system address (system-user@mms_domain), the RES's sender
}

// Owed is the RES for m, or nothing when m did not ask for one. It
// answers Ok when some recipient could be routed, and
// Error-sending-address-unresolved when none could. It goes to m's
// ReplyTo: the request's Originator-System, else its Sender, else its From
// (mm4.md §7).
func (r ForwardResponder) Owed(m *mms.Message) ([]mms.Mail, error) {
	if !m.AckRequest {
		return nil, nil
	}
	status, text := StatusErrorSendingAddressUnresolved, "no recipient could be routed"
	for _, rc := range m.Recipients {
		if rc.State != mms.StateFailed {
			status, text = StatusOk, ""
		}
	}
	to := m.ReplyTo()
	data, err := BuildResponse(Response{
		Type: TypeForwardRes, TransactionID: cmp.Or(m.TransactionID, string(m.ID)), MessageID: cmp.Or(m.MM4MessageID, string(m.ID)),
		Status: status, StatusText: text, From: r.System, To: to, Date: m.Received,
	})
	if err != nil {
		return nil, mms.Permanent(fmt.Errorf("mm4: MM4_forward.RES: %w", err))
	}
	return []mms.Mail{{Kind: TypeForwardRes, From: r.System, To: to, Data: data}}, nil
}
