package wappush

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// Reaches says whether the handset that sent m can be sent reports: it
// can when its number is known.
func (n *Notifier) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	return m.EnvelopeFrom != "", nil
}

// deliveryStatus is the X-Mms-Status of an m-delivery-ind for a
// recipient's state (OMA-TS-MMS_ENC §7.3.54). A failure the MMSC cannot
// name more closely is Indeterminate.
var deliveryStatus = map[mms.State]byte{
	mms.StateRetrieved: mmsenc.StatusRetrieved, mms.StateRejected: mmsenc.StatusRejected,
	mms.StateExpired: mmsenc.StatusExpired, mms.StateDeferred: mmsenc.StatusDeferred,
	mms.StateForwarded: mmsenc.StatusForwarded, mms.StateFailed: mmsenc.StatusIndeterminate,
}

// Report answers a handset that sent m (OMA-TS-MMS_CTR §6.4, §6.7.2): an
// m-delivery-ind for a delivery report, an m-read-orig-ind for a read
// report, pushed to the sender's number like a notification. Both carry
// the Message-ID its m-send-conf gave. It is the delivery engine's
// Reporter for messages that came by MM1.
func (n *Notifier) Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error {
	if m.EnvelopeFrom == "" {
		return fmt.Errorf("the sender's number is not known: %w", mms.ErrNoEndpoint)
	}
	var pdu *mmsenc.PDU
	switch mail.Report.Kind {
	case mms.ReportDelivery:
		status, ok := deliveryStatus[mms.State(mail.Report.Status)]
		if !ok {
			return mms.Permanent(fmt.Errorf("wappush: no X-Mms-Status for state %q", mail.Report.Status))
		}
		pdu = &mmsenc.PDU{Type: mmsenc.DeliveryInd, MessageID: string(m.ID), Date: now, Status: status,
			To: []string{mms.HandsetAddress(mail.Report.About)}}
	case mms.ReportRead:
		status := mmsenc.ReadStatusRead
		if mail.Report.Status == mms.ReadStatusDeleted {
			status = mmsenc.ReadStatusDeleted
		}
		pdu = &mmsenc.PDU{Type: mmsenc.ReadOrigInd, MessageID: string(m.ID), Date: now, ReadStatus: status,
			To: []string{mms.HandsetAddress(m.Originator())}, From: mms.HandsetAddress(mail.Report.About)}
	default:
		return mms.Permanent(errors.New("wappush: a handset is sent reports only, not " + mail.What()))
	}
	_, err := n.push(ctx, m.EnvelopeFrom, pdu, false)
	return err
}
