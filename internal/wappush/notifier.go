package wappush

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp"
)

// SMS is the link that carries the push.
type SMS interface {
	Submit(ctx context.Context, m smpp.Message) ([]string, error)
}

// WSP Push identification of an MMS notification (WAP-230-WSP, OMNA push
// application IDs).
const (
	mmsContentType = "application/vnd.wap.mms-message"
	mmsAppID       = "x-wap-application:mms.ua"
	dataCoding8bit = 0x04
)

// Notifier pushes MMS PDUs to handsets: the m-notification-ind that tells
// a recipient a message waits, and the m-delivery-ind and m-read-orig-ind
// that report back to a handset that sent one.
type Notifier struct {
	sms       SMS
	publicURL string        // base of Content-Location, without a trailing slash
	ref       atomic.Uint32 // concatenation references and WSP transaction IDs
}

// NewNotifier returns a notifier that points handsets at publicURL.
func NewNotifier(sms SMS, publicURL string) *Notifier {
	return &Notifier{sms: sms, publicURL: publicURL}
}

// ContentLocation is the URL a recipient with token fetches its message
// from.
func ContentLocation(publicURL, token string) string {
	return publicURL + "/mms/" + token
}

// Notification is the m-notification-ind for recipient d of m.
func Notification(m *mms.Message, d mms.Delivery, publicURL string) *mmsenc.PDU {
	p := &mmsenc.PDU{
		Type:            mmsenc.NotificationInd,
		TransactionID:   d.TransactionID,
		Subject:         m.Subject,
		MessageClass:    m.MessageClass,
		MessageSize:     m.ContentSize,
		Expiry:          m.Expiry,
		ContentLocation: ContentLocation(publicURL, d.Token),
	}
	if p.MessageClass == "" {
		p.MessageClass = "Personal"
	}
	if !m.SenderHidden {
		p.From = mms.HandsetAddress(m.Originator())
	}
	return p
}

// Notify sends recipient d its notification, asking for a delivery
// receipt, and returns the SMSC's ID of its last segment: the one whose
// receipt says whether the phone has the whole push. A refusal the SMSC
// says is final is returned marked mms.Permanent.
func (n *Notifier) Notify(ctx context.Context, m *mms.Message, d mms.Delivery) (string, error) {
	return n.push(ctx, d.Address, Notification(m, d, n.publicURL), true)
}

// push sends pdu to the handset at number in a WSP Push over SMS.
func (n *Notifier) push(ctx context.Context, number string, pdu *mmsenc.PDU, receipt bool) (string, error) {
	body, err := mmsenc.Encode(pdu)
	if err != nil {
		return "", mms.Permanent(fmt.Errorf("wappush: encode %v: %w", pdu.Type, err))
	}
	ref := n.ref.Add(1)
	push, err := mmsenc.Push(byte(ref), mmsContentType, mmsAppID, body)
	if err != nil {
		return "", mms.Permanent(fmt.Errorf("wappush: push: %w", err))
	}
	ids, err := n.sms.Submit(ctx, smpp.Message{
		To:                 number,
		Segments:           mmsenc.SMSSegments(push, byte(ref)),
		DataCoding:         dataCoding8bit,
		RegisteredDelivery: receipt,
	})
	if err != nil {
		if !smpp.Temporary(err) {
			return "", mms.Permanent(fmt.Errorf("wappush: %w", err))
		}
		return "", fmt.Errorf("wappush: %w", err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[len(ids)-1], nil
}
