package mm1

import (
	"cmp"
	"context"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

const pduType = "application/vnd.wap.mms-message"

// retrieve answers GET and HEAD on a Content-Location with the message as
// an m-retrieve-conf, and marks the recipient retrieved once a GET's body
// has been handed to the connection.
func (h *Handler) retrieve(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.st.DeliveryByToken(ctx, r.PathValue("token"))
	if errors.Is(err, mms.ErrNotFound) {
		return httperr.New(http.StatusNotFound, "no such message", err)
	}
	if err != nil {
		return err
	}
	if !handsetRoute(d.Route) {
		// A Multimedia WAP Push recipient's token is for its page: the
		// sender chose a browser, not an MMS client.
		return httperr.New(http.StatusNotFound, "no such message", errors.New("route "+string(d.Route)))
	}
	now := h.cfg.Now()
	switch d.State {
	case mms.StateExpired, mms.StateFailed, mms.StateRejected, mms.StateCancelled:
		return httperr.New(http.StatusNotFound, "message no longer available", errors.New(string(d.State)))
	}
	if err := h.forRecipient(r, d); err != nil {
		return err
	}
	m, err := h.st.Deliverable(ctx, d.MessageID)
	if errors.Is(err, mms.ErrNotFound) {
		return httperr.New(http.StatusNotFound, "no such message", err)
	}
	if err != nil {
		return err
	}
	if !now.Before(m.Expiry) {
		return httperr.New(http.StatusNotFound, "message no longer available", errors.New("expired"))
	}
	pdu, err := mmsenc.Encode(RetrieveConf(m, d.TransactionID))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", pduType)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdu)))
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := w.Write(pdu); err != nil {
		h.log.Info("mm1: retrieval not completed", "message", m.ID, "to", d.Address, "err", err)
		return nil // the connection is gone: nothing to answer, nothing fetched
	}
	if d.State == mms.StateRetrieved {
		return nil // a repeated fetch: nothing new to record
	}
	// The handset may hang up as soon as it has the last byte; the record
	// of its fetch must not be cancelled with the request.
	changed, err := h.rec.Answer(context.WithoutCancel(ctx), d.ID, mms.StateRetrieved, "", now)
	if err != nil {
		// The handset has the message; its acknowledgement can still
		// record it. Until then it may be notified again.
		h.log.Error("mm1: could not record a retrieval", "message", m.ID, "to", d.Address, "err", err)
		return nil
	}
	h.log.Info("mm1: retrieved", "message", m.ID, "to", d.Address, "bytes", len(pdu), "first", changed)
	return nil
}

// RetrieveConf is m as recipients' handsets receive it. The transaction ID
// makes the handset answer with an m-acknowledge-ind. A part without a
// Content-Location gets its file name as one, because SMIL refers to parts
// by it; the body is multipart/related with the SMIL as its start when
// there is a SMIL part, else multipart/mixed.
func RetrieveConf(m *mms.Message, tid string) *mmsenc.PDU {
	p := &mmsenc.PDU{
		Type:          mmsenc.RetrieveConf,
		TransactionID: tid,
		MessageID:     string(m.ID),
		Date:          m.Date,
		Subject:       m.Subject,
		MessageClass:  m.MessageClass,
		Priority:      m.Priority,
		ContentType:   "application/vnd.wap.multipart.mixed",
	}
	if p.Date.IsZero() {
		p.Date = m.Received
	}
	if !m.SenderHidden {
		p.From = mms.HandsetAddress(m.Originator())
	}
	for _, a := range m.To {
		p.To = append(p.To, mms.HandsetAddress(a))
	}
	for _, a := range m.Cc {
		p.Cc = append(p.Cc, mms.HandsetAddress(a))
	}
	if len(p.To) == 0 && len(p.Cc) == 0 {
		for _, rc := range m.Recipients {
			p.To = append(p.To, mms.HandsetAddress(rc.Address))
		}
	}
	if m.ReadReply {
		yes := true
		p.ReadReport = &yes
	}
	for _, part := range m.Parts {
		mp := mmsenc.Part{
			ContentType:     withName(part.ContentType, part.Name),
			ContentID:       part.ContentID,
			ContentLocation: part.ContentLocation,
			Data:            part.Data,
		}
		if mp.ContentLocation == "" {
			mp.ContentLocation = part.Name
		}
		if mt, _, _ := mime.ParseMediaType(part.ContentType); mt == "application/smil" && !strings.Contains(p.ContentType, "related") {
			// start names the SMIL by its Content-ID; one without gets one.
			if mp.ContentID == "" {
				mp.ContentID = "<" + cmp.Or(mp.ContentLocation, "smil") + ">"
			}
			p.ContentType = mime.FormatMediaType("application/vnd.wap.multipart.related",
				map[string]string{"start": mp.ContentID, "type": "application/smil"})
		}
		p.Parts = append(p.Parts, mp)
	}
	return p
}

// withName adds the part's file name as the name parameter when the
// content type has none: handsets show it when saving an attachment.
func withName(ct, name string) string {
	if name == "" {
		return ct
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || params["name"] != "" {
		return ct
	}
	params["name"] = name
	if s := mime.FormatMediaType(mt, params); s != "" {
		return s
	}
	return ct
}

// handsetRoute says whether a recipient on route r has an MMS client that
// fetches over MM1: one of ours, or one sent a web link after not fetching
// (its notification still names the Content-Location).
func handsetRoute(r mms.Route) bool { return r == mms.RouteMM1 || r == mms.RouteWebLink }
