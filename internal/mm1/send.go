package mm1

import (
	"cmp"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// repeatWindow is how long a handset's repeat of an m-send-req (same
// sender, same Transaction-ID) is answered with the first one's Message-ID
// instead of making a second message: handsets re-POST after a timeout
// that may have hidden our answer.
const repeatWindow = 10 * time.Minute

// send takes a handset's m-send-req (OMA-TS-MMS_CTR 1.3 §6.1) and answers
// with an m-send-conf, always with HTTP 200: Ok with the Message-ID once
// the message is durable, or the status that says why not, in which case
// nothing was stored.
func (h *Handler) send(w http.ResponseWriter, r *http.Request, pdu *mmsenc.PDU, body []byte) error {
	id, status, text := h.submit(r, pdu, body)
	return h.sendConf(w, pdu, status, text, id)
}

// submit decides the m-send-conf: the message ID and Ok, or a refusal.
func (h *Handler) submit(r *http.Request, pdu *mmsenc.PDU, body []byte) (mms.MessageID, byte, string) {
	sender, status, text := h.sender(r)
	if status != mmsenc.ResponseOk {
		return "", status, text
	}
	return h.take(r, pdu, body, sender, nil)
}

// sender is the handset a message comes from, or why it cannot be taken.
func (h *Handler) sender(r *http.Request) (string, byte, string) {
	if h.cfg.Accept == nil {
		return "", mmsenc.ResponseErrorPermanentServiceDenied, "this MMSC takes no messages from handsets"
	}
	sender, err := h.msisdn(r)
	if err != nil {
		return "", mmsenc.ResponseErrorPermanentAddressUnresolved, "the sender's number is not known: " + err.Error()
	}
	if sender == "" {
		return "", mmsenc.ResponseErrorPermanentAddressUnresolved,
			"the sender's number is not known: no MSISDN from a trusted gateway"
	}
	return sender, mmsenc.ResponseOk, ""
}

// take turns a request from sender into a message, with fill completing
// it, and hands it to the accept path: the message ID and Ok, or why not.
// A repeat of a request the sender made moments ago is answered as it was.
func (h *Handler) take(r *http.Request, pdu *mmsenc.PDU, body []byte, sender string, fill func(*mms.Message)) (mms.MessageID, byte, string) {
	ctx := r.Context()
	m, refused := h.message(pdu, body, sender)
	if fill != nil {
		fill(m)
	}
	if len(m.Recipients) == 0 {
		if len(refused) == 0 {
			return "", mmsenc.ResponseErrorPermanentFormatCorrupt, "no recipient"
		}
		return "", mmsenc.ResponseErrorPermanentAddressUnresolved, strings.Join(refused, "; ")
	}
	now := h.cfg.Now()
	if pdu.TransactionID != "" {
		id, err := h.st.Submitted(ctx, mms.InterfaceMM1, sender, pdu.TransactionID, now.Add(-repeatWindow))
		switch {
		case err == nil:
			h.log.Info("mm1: repeated submission", "from", sender, "transaction_id", pdu.TransactionID, "id", id)
			return id, mmsenc.ResponseOk, ""
		case !errors.Is(err, mms.ErrNotFound):
			h.log.Error("mm1: could not look for an earlier submission", "from", sender, "err", err)
			return "", mmsenc.ResponseErrorTransientFailure, "temporary failure, try again later"
		}
	}
	if pdu.ExpiryRelative > 0 {
		m.Expiry = now.Add(pdu.ExpiryRelative)
	}
	if pdu.DeliveryTimeRelative > 0 {
		m.DeliveryTime = now.Add(pdu.DeliveryTimeRelative)
	}
	id, err := h.cfg.Accept.Accept(ctx, m)
	switch {
	case errors.Is(err, mms.ErrUnroutable):
		return "", mmsenc.ResponseErrorPermanentAddressUnresolved, strings.Join(append(refused, m.NotSent()...), "; ")
	case mms.IsPermanent(err):
		return "", mmsenc.ResponseErrorPermanentFailure, err.Error()
	case err != nil:
		h.log.Error("mm1: submission failed", "from", sender, "err", err)
		return "", mmsenc.ResponseErrorTransientFailure, "temporary failure, try again later"
	}
	h.log.Info("mm1: message submitted", "from", sender, "id", id, "recipients", len(m.Recipients),
		"refused", len(refused))
	return id, mmsenc.ResponseOk, strings.Join(append(refused, m.NotSent()...), "; ")
}

// message turns an m-send-req from sender into the vocabulary's words. A
// recipient that is neither a phone number nor an e-mail address is left
// out and named in refused.
func (h *Handler) message(pdu *mmsenc.PDU, body []byte, sender string) (m *mms.Message, refused []string) {
	m = &mms.Message{
		Origin:         mms.Origin{Interface: mms.InterfaceMM1},
		EnvelopeFrom:   sender,
		From:           sender + "/TYPE=PLMN", // the gateway's number, whatever the PDU's From said
		MessageType:    pdu.Type.String(),
		MMSVersion:     version(pdu.Version),
		TransactionID:  pdu.TransactionID,
		To:             pdu.To,
		Cc:             pdu.Cc, // Bcc recipients are never shown
		Subject:        pdu.Subject,
		Date:           pdu.Date,
		MessageClass:   pdu.MessageClass,
		Priority:       pdu.Priority,
		Expiry:         pdu.Expiry,
		DeliveryTime:   pdu.DeliveryTime,
		DeliveryReport: yes(pdu.DeliveryReport),
		ReadReply:      yes(pdu.ReadReport),
		SenderHidden:   pdu.SenderVisibility == mmsenc.SenderHide,
		ContentType:    mimeType(pdu.ContentType),
		Raw:            body,
	}
	seen := map[string]bool{}
	for _, list := range [][]string{pdu.To, pdu.Cc, pdu.Bcc} {
		for _, a := range list {
			addr, err := recipient(a)
			if err != nil {
				refused = append(refused, fmt.Sprintf("not sent to %s: %v", strings.TrimSpace(a), err))
				continue
			}
			if !seen[addr] {
				seen[addr] = true
				m.Recipients = append(m.Recipients, mms.Recipient{Address: addr})
			}
		}
	}
	for _, p := range pdu.Parts {
		_, params := mimebody.MediaType(p.ContentType)
		name := cmp.Or(params["name"], p.ContentLocation)
		m.Parts = append(m.Parts, mms.Part{ContentType: p.ContentType, Name: name, ContentLocation: p.ContentLocation,
			ContentID: p.ContentID, Data: p.Data})
	}
	return m, refused
}

// recipient reads an address of an m-send-req (OMA-TS-MMS_ENC §8): a
// phone number, with or without "/TYPE=PLMN", or an e-mail address, which
// is kept as its addr-spec.
func recipient(s string) (string, error) {
	s = strings.TrimSpace(s)
	number, typ, typed := strings.Cut(s, "/")
	if typed && strings.EqualFold(typ, "TYPE=PLMN") || !typed && mms.IsPhoneNumber(number) {
		if !mms.IsPhoneNumber(number) {
			return "", errors.New("not a phone number")
		}
		return number, nil
	}
	if typed {
		return "", fmt.Errorf("address type %q is not taken here", typ)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || !strings.Contains(a.Address, "@") {
		return "", errors.New("neither a phone number nor an e-mail address")
	}
	return a.Address, nil
}

// mimeType is a PDU's content type in MIME terms, as the store keeps
// every message's: application/vnd.wap.multipart.X becomes multipart/X,
// with start and type kept.
func mimeType(ct string) string {
	typ, params := mimebody.MediaType(ct)
	if s := mime.FormatMediaType(typ, params); s != "" {
		return s
	}
	return typ
}

// version spells a Version-value octet, 0x92 as "1.2".
func version(v byte) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(int(v>>4&0x7)) + "." + strconv.Itoa(int(v&0x0F))
}

func yes(b *bool) bool { return b != nil && *b }

// sendConf writes the m-send-conf for req.
func (h *Handler) sendConf(w http.ResponseWriter, req *mmsenc.PDU, status byte, text string, id mms.MessageID) error {
	return h.conf(w, mmsenc.SendConf, req, status, text, id)
}

// conf writes the answer of type typ (m-send-conf, m-forward-conf) to req.
func (h *Handler) conf(w http.ResponseWriter, typ mmsenc.MessageType, req *mmsenc.PDU, status byte, text string, id mms.MessageID) error {
	if req.TransactionID == "" {
		// The answer must quote it; without one there is nothing to say
		// in MMS terms.
		return httperr.New(http.StatusBadRequest, fmt.Sprintf("%v without X-Mms-Transaction-ID", req.Type), nil)
	}
	// The text quotes what the handset sent, which may be any bytes.
	text = mimebody.Clean(strings.ToValidUTF8(text, "\uFFFD"))
	conf := &mmsenc.PDU{Type: typ, TransactionID: req.TransactionID, ResponseStatus: status, ResponseText: text}
	if req.Version >= mmsenc.Version10 && req.Version <= mmsenc.Version13 {
		conf.Version = req.Version
	}
	if status == mmsenc.ResponseOk {
		conf.MessageID = string(id)
	} else if h.cfg.Observer != nil {
		h.cfg.Observer.Refused(refusal(status))
	}
	b, err := mmsenc.Encode(conf)
	if err != nil {
		// What the answer must quote (the Transaction-ID) cannot be written.
		return httperr.New(http.StatusBadRequest, fmt.Sprintf("cannot answer with an %v: %v", typ, err), err)
	}
	w.Header().Set("Content-Type", mmsenc.MediaMMS)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// tooLarge says why an m-send-req over the limit was refused, with its
// size when the request declared one.
func (h *Handler) tooLarge(r *http.Request) string {
	if r.ContentLength > 0 {
		return fmt.Sprintf("the message is %d octets; this MMSC takes at most %d", r.ContentLength, h.cfg.MaxMessage)
	}
	return fmt.Sprintf("the message is larger than the %d octets this MMSC takes", h.cfg.MaxMessage)
}
