package accept

import (
	"cmp"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// forwardResponse is the MM4_forward.RES owed for m when its originator
// asked for one (X-Mms-Ack-Request: Yes; TS 23.140 §8.4.2). It answers Ok
// when some recipient could be routed, and
// Error-sending-address-unresolved when none could. It goes to the
// request's Originator-System, else its Sender, else its From (mm4.md §7).
func (r *Path) forwardResponse(m *mms.Message) (mms.Mail, error) {
	status, text := mm4.StatusErrorSendingAddressUnresolved, "no recipient could be routed"
	for _, rc := range m.Recipients {
		if rc.State != mms.StateFailed {
			status, text = mm4.StatusOk, ""
		}
	}
	to := m.ReplyTo()
	mid := m.MM4MessageID
	if mid == "" {
		mid = string(m.ID)
	}
	data, err := mm4.BuildResponse(mm4.Response{
		Type: mm4.TypeForwardRes, TransactionID: cmp.Or(m.TransactionID, string(m.ID)), MessageID: mid,
		Status: status, StatusText: text, From: r.cfg.SystemAddress, To: to, Date: m.Received,
	})
	if err != nil {
		return mms.Mail{}, mms.Permanent(fmt.Errorf("accept: MM4_forward.RES: %w", err))
	}
	return mms.Mail{Kind: mm4.TypeForwardRes, From: r.cfg.SystemAddress, To: to, Data: data}, nil
}
