package mm1

import (
	"errors"
	"net/http"
	"path"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// forward takes an m-forward-req (OMA-TS-MMS_CTR 1.3 §6.5): a recipient
// sends on a message it was notified of, without fetching it, naming it by
// the Content-Location of its notification. The new message has the
// original's content and subject, the forwarder as its sender (the trusted
// gateway's MSISDN, as for m-send-req) and the new recipients. Only the
// message's own recipient may forward it. The answer is an m-forward-conf.
func (h *Handler) forward(w http.ResponseWriter, r *http.Request, pdu *mmsenc.PDU, body []byte) error {
	id, status, text := h.forwardOne(r, pdu, body)
	return h.conf(w, mmsenc.ForwardConf, pdu, status, text, id)
}

func (h *Handler) forwardOne(r *http.Request, pdu *mmsenc.PDU, body []byte) (mms.MessageID, byte, string) {
	ctx := r.Context()
	sender, status, text := h.sender(r)
	if status != mmsenc.ResponseOk {
		return "", status, text
	}
	notFound := "no message of yours at X-Mms-Content-Location " + pdu.ContentLocation
	token := path.Base(strings.TrimRight(pdu.ContentLocation, "/"))
	d, err := h.st.DeliveryByToken(ctx, token)
	if errors.Is(err, mms.ErrNotFound) || err == nil && (!handsetRoute(d.Route) || !mms.SameNumber(d.Address, sender, mms.WholeNumber)) {
		// A stranger learns nothing from the difference.
		return "", mmsenc.ResponseErrorPermanentNotFound, notFound
	}
	if err != nil {
		h.log.Error("mm1: could not find a forwarded message", "from", sender, "err", err)
		return "", mmsenc.ResponseErrorTransientFailure, "temporary failure, try again later"
	}
	orig, err := h.st.Deliverable(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return "", mmsenc.ResponseErrorPermanentNotFound, notFound
	}
	if err != nil {
		h.log.Error("mm1: could not load a forwarded message", "from", sender, "message", d.MessageID, "err", err)
		return "", mmsenc.ResponseErrorTransientFailure, "temporary failure, try again later"
	}
	if orig.Service.NoDistribution {
		return "", mmsenc.ResponseErrorPermanentServiceDenied, "the sender does not allow this message to be sent on"
	}
	req := *pdu
	req.Subject, req.MessageClass, req.Priority, req.ContentType, req.Parts = orig.Subject, orig.MessageClass, orig.Priority, "", nil
	id, status, text := h.take(r, &req, body, sender, func(m *mms.Message) {
		m.ContentType, m.Parts = orig.ContentType, orig.Parts
		m.ForwardCounter = orig.ForwardCounter + 1
	})
	if status == mmsenc.ResponseOk {
		h.log.Info("mm1: message forwarded", "from", sender, "original", orig.ID, "id", id)
	}
	return id, status, text
}
