package wappush

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp"
)

// Modes of Multimedia WAP Push: how the recipient is told of its page.
const (
	ModeSI   = "si"   // a WAP Push Service Indication
	ModeSMS  = "sms"  // a plain text SMS with the link
	ModeBoth = "both" // both, because many current phones ignore SI
)

// siContentType is the WSP content type of an SI in WBXML.
const siContentType = "application/vnd.wap.sic"

// maxTextSegments bounds the text SMS: the link comes first, so a long
// subject is what gets trimmed.
const maxTextSegments = 3

// PagePush tells Multimedia WAP Push recipients where their page is.
type PagePush struct {
	sms         SMS
	publicURL   string
	mode        string
	defaultText string // when the message has no subject
	ref         atomic.Uint32
}

// NewPagePush returns the page announcer.
func NewPagePush(sms SMS, publicURL, mode, defaultText string) *PagePush {
	return &PagePush{sms: sms, publicURL: publicURL, mode: mode, defaultText: defaultText}
}

// Notify sends recipient d the SI, the text SMS or both, as configured,
// and returns the SMSC's ID of the last SMS sent. A web-link recipient
// (route weblink) always gets the text SMS alone: it stands for a phone
// that takes no MMS, and NowSMS's "Convert to SMS with Web Link" is
// plain text. A refusal the SMSC says is final is returned marked
// mms.Permanent.
func (p *PagePush) Notify(ctx context.Context, m *mms.Message, d mms.Delivery) (string, error) {
	url := mms.PageURL(p.publicURL, d.Token)
	mode := p.mode
	if d.Route == mms.RouteWebLink {
		mode = ModeSMS
	}
	text := strings.TrimSpace(m.Subject)
	if text == "" {
		text = p.defaultText
	}
	var msgs []smpp.Message
	if mode != ModeSMS {
		body, err := mmsenc.EncodeSI(mmsenc.SI{Href: url, Text: text, Created: m.Received, Expires: m.Expiry})
		if err != nil {
			return "", mms.Permanent(fmt.Errorf("wappush: SI: %w", err))
		}
		ref := byte(p.ref.Add(1))
		push, err := mmsenc.Push(ref, siContentType, "", body)
		if err != nil {
			return "", mms.Permanent(fmt.Errorf("wappush: SI push: %w", err))
		}
		msgs = append(msgs, smpp.Message{To: d.Address, Segments: mmsenc.SMSSegments(push, ref), DataCoding: dataCoding8bit, RegisteredDelivery: true})
	}
	if mode != ModeSI {
		sms, err := mmsenc.EncodeTextSMS(url+" "+text, byte(p.ref.Add(1)), maxTextSegments)
		if err != nil {
			return "", mms.Permanent(fmt.Errorf("wappush: text SMS: %w", err))
		}
		msgs = append(msgs, smpp.Message{To: d.Address, Segments: sms.Segments, DataCoding: sms.DataCoding,
			NoUDH: !sms.UDHI, RegisteredDelivery: true})
	}
	var last string
	for _, sm := range msgs {
		ids, err := p.sms.Submit(ctx, sm)
		if err != nil {
			if !smpp.Temporary(err) {
				return "", mms.Permanent(fmt.Errorf("wappush: %w", err))
			}
			return "", fmt.Errorf("wappush: %w", err)
		}
		if len(ids) > 0 {
			last = ids[len(ids)-1]
		}
	}
	return last, nil
}
