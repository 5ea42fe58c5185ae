package mm1

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// X-Mms-Status values of m-notifyresp-ind (OMA-TS-MMS_ENC §7.3.54).
const (
	statusRetrieved    = 0x81
	statusRejected     = 0x82
	statusDeferred     = 0x83
	statusUnrecognised = 0x84
)

// X-Mms-Read-Status values (§7.3.39).
const (
	readStatusRead    = 0x80
	readStatusDeleted = 0x81
)

// sendMargin is what an m-send-req may carry beyond MaxMessage: its
// headers and the multipart framing of its parts.
const sendMargin = 64 << 10

// answer takes a PDU a handset POSTs: a message it sends, or what it says
// about one it was sent. Only an m-send-req may be larger than MaxPDU, and
// none is read past the m-send-req's limit.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request) error {
	limit := max(h.cfg.MaxPDU, h.cfg.MaxMessage+sendMargin)
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return httperr.New(http.StatusBadRequest, "could not read the request body", err)
	}
	if int64(len(body)) > limit {
		if head, err := mmsenc.DecodeHead(body); err == nil && head.Type == mmsenc.SendReq {
			return h.sendConf(w, head, mmsenc.ResponseErrorPermanentContentNotAccepted, h.tooLarge(r), "")
		}
	}
	if int64(len(body)) > h.cfg.MaxPDU {
		if head, err := mmsenc.DecodeHead(body); err != nil || head.Type != mmsenc.SendReq {
			return httperr.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("a PDU here is at most %d bytes", h.cfg.MaxPDU), nil)
		}
	}
	pdu, err := mmsenc.Decode(body)
	if err != nil {
		if head, herr := mmsenc.DecodeHead(body); herr == nil && head.Type == mmsenc.SendReq {
			return h.sendConf(w, head, mmsenc.ResponseErrorPermanentFormatCorrupt, "malformed MMS PDU: "+err.Error(), "")
		}
		return httperr.New(http.StatusBadRequest, "malformed MMS PDU: "+err.Error(), err)
	}
	switch pdu.Type {
	case mmsenc.SendReq:
		return h.send(w, r, pdu, body)
	case mmsenc.ForwardReq:
		return h.forward(w, r, pdu, body)
	case mmsenc.NotifyRespInd:
		err = h.notifyResp(r, pdu)
	case mmsenc.AcknowledgeInd:
		err = h.settle(r, pdu.TransactionID, mms.StateRetrieved, "")
	case mmsenc.ReadRecInd:
		err = h.readReport(r, pdu)
	default:
		err = httperr.New(http.StatusBadRequest, fmt.Sprintf("%v is not a PDU a handset sends here", pdu.Type), nil)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) notifyResp(r *http.Request, pdu *mmsenc.PDU) error {
	switch pdu.Status {
	case statusRetrieved:
		return h.settle(r, pdu.TransactionID, mms.StateRetrieved, "")
	case statusRejected:
		return h.settle(r, pdu.TransactionID, mms.StateRejected, "rejected by the handset")
	case statusDeferred:
		return h.settle(r, pdu.TransactionID, mms.StateDeferred, "")
	case statusUnrecognised:
		return h.settle(r, pdu.TransactionID, mms.StateFailed, "the handset did not recognise the notification")
	}
	return httperr.New(http.StatusBadRequest, fmt.Sprintf("X-Mms-Status 0x%02x is not an answer to a notification", pdu.Status), nil)
}

// settle moves the recipient the transaction ID names to state.
func (h *Handler) settle(r *http.Request, tid string, state mms.State, reason string) error {
	ctx := r.Context()
	d, err := h.st.DeliveryByTransaction(ctx, tid)
	if errors.Is(err, mms.ErrNotFound) {
		return httperr.New(http.StatusBadRequest, "unknown X-Mms-Transaction-ID", err)
	}
	if err != nil {
		return err
	}
	if err := h.forRecipient(r, d); err != nil {
		return err
	}
	now := h.cfg.Now()
	changed, err := h.rec.Answer(ctx, d.ID, state, reason, now)
	if err != nil {
		return err
	}
	h.log.Info("mm1: handset answer", "message", d.MessageID, "to", d.Address, "state", state, "changed", changed)
	return nil
}

// readReport records an m-read-rec-ind. The reader is the subscriber the
// gateway names, else the PDU's From (which a handset may leave for the
// MMSC to insert); it must be a recipient of the message, and is heard
// once.
func (h *Handler) readReport(r *http.Request, pdu *mmsenc.PDU) error {
	var status string
	switch pdu.ReadStatus {
	case readStatusRead:
		status = mms.ReadStatusRead
	case readStatusDeleted:
		status = mms.ReadStatusDeleted
	default:
		return httperr.New(http.StatusBadRequest, fmt.Sprintf("X-Mms-Read-Status 0x%02x is not Read or Deleted", pdu.ReadStatus), nil)
	}
	reader, err := h.msisdn(r)
	if err != nil {
		return httperr.New(http.StatusBadRequest, err.Error(), err)
	}
	if reader == "" {
		reader = pdu.From
	}
	if reader == "" {
		return httperr.New(http.StatusBadRequest, "no reader: neither an MSISDN header nor a From", nil)
	}
	now := h.cfg.Now()
	at := pdu.Date
	if at.IsZero() {
		at = now
	}
	first, err := h.rec.ReadReport(r.Context(), mms.ReadReport{Message: mms.MessageID(pdu.MessageID), Reader: reader, Status: status, At: at}, now)
	switch {
	case errors.Is(err, mms.ErrNotFound):
		return httperr.New(http.StatusBadRequest, "unknown Message-ID", err)
	case errors.Is(err, mms.ErrNotRecipient):
		return httperr.New(http.StatusForbidden, "not a recipient of this message", err)
	case err != nil:
		return err
	}
	h.log.Info("mm1: read report", "message", pdu.MessageID, "reader", reader, "status", status, "first", first)
	return nil
}
