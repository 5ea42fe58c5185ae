package mm7

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mm7soap"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// submit takes a SubmitReq from acct and says what became of it.
func (h *Handler) submit(ctx context.Context, acct vasp.Account, req *mm7soap.Request, body []byte) mm7soap.Response {
	rsp := func(code int, format string, a ...any) mm7soap.Response {
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: code, Details: fmt.Sprintf(format, a...)})
	}
	s := req.Submit
	sender := senderOf(acct, s)
	if !acct.MaySendAs(sender) {
		return rsp(mm7soap.OperationRestricted, "sender %q is outside the account's sender masks", sender)
	}
	if id := s.LinkedID; id != "" && h.cfg.Linked != nil {
		if _, err := h.cfg.Linked.Head(ctx, mms.MessageID(id)); errors.Is(err, mms.ErrNotFound) {
			return rsp(mm7soap.LinkedIDNotFound, "LinkedID %q names no message of this MMSC", id)
		} else if err != nil {
			h.log.Error("mm7: LinkedID lookup failed", "vasp", acct.Name, "err", err)
			return rsp(mm7soap.ServerError, "try again")
		}
	}
	m, refused := h.message(acct, req, sender)
	m.Raw = body // the request exactly as received
	if len(refused) > 0 {
		return rsp(mm7soap.AddressError, "%s", strings.Join(refused, "; "))
	}
	id, err := h.accept.Accept(ctx, m)
	switch {
	case errors.Is(err, mms.ErrUnroutable):
		return rsp(mm7soap.AddressNotFound, "%s", strings.Join(m.NotSent(), "; "))
	case mms.IsPermanent(err):
		return rsp(mm7soap.ClientError, "%v", err)
	case err != nil:
		h.log.Error("mm7: submission failed", "vasp", acct.Name, "err", err)
		return rsp(mm7soap.ServerError, "the message could not be stored; try again")
	}
	h.log.Info("mm7: message submitted", "vasp", acct.Name, "id", id, "recipients", len(m.Recipients),
		"transaction_id", req.TransactionID)
	out := mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.Success})
	if l := m.NotSent(); len(l) > 0 {
		out.Status = mm7soap.Status{Code: mm7soap.PartialSuccess, Details: strings.Join(l, "; ")}
	}
	out.MessageID = string(id)
	return out
}

// senderOf is who the message is from: the SenderAddress given, else the
// VAS or VASP named, else the account.
func senderOf(acct vasp.Account, s *mm7soap.Submit) string {
	if s.Sender != nil && s.Sender.Value != "" {
		return s.Sender.Value
	}
	for _, v := range []string{s.VASID, s.VASPID} {
		if v != "" {
			return v
		}
	}
	return acct.Name
}

// message turns a SubmitReq into the vocabulary's words. An address that
// is neither a phone number (or short code) nor an e-mail address is named
// in refused.
func (h *Handler) message(acct vasp.Account, req *mm7soap.Request, sender string) (*mms.Message, []string) {
	s := req.Submit
	now := h.cfg.Now()
	m := &mms.Message{
		Origin:         mms.Origin{Interface: mms.InterfaceMM7, Account: acct.Name},
		EnvelopeFrom:   sender,
		From:           display(mm7soap.Address{Kind: kindOf(sender), Value: sender}),
		MessageType:    req.Op,
		MMSVersion:     req.Version,
		TransactionID:  req.TransactionID,
		Subject:        s.Subject,
		Date:           s.TimeStamp,
		MessageClass:   s.MessageClass,
		Priority:       s.Priority,
		Expiry:         s.Expiry.From(now),
		DeliveryTime:   s.EarliestDelivery.From(now),
		DeliveryReport: s.DeliveryReport,
		ReadReply:      s.ReadReply,
		ContentType:    req.ContentType,
		Parts:          req.Parts,
		Service: mms.Service{VASPID: s.VASPID, VASID: s.VASID, ServiceCode: s.ServiceCode, LinkedID: s.LinkedID,
			ChargedParty: s.ChargedParty, NoDistribution: s.DistributionIndicator != nil && !*s.DistributionIndicator,
			NoAdaptation: s.AllowAdaptations != nil && !*s.AllowAdaptations},
	}
	var refused []string
	seen := map[string]bool{}
	for _, field := range []struct {
		list  []mm7soap.Address
		shown *[]string
	}{{s.To, &m.To}, {s.Cc, &m.Cc}, {s.Bcc, nil}} {
		for _, a := range field.list {
			addr, err := recipient(a)
			if err != nil {
				refused = append(refused, fmt.Sprintf("%s %q: %v", a.Kind, a.Value, err))
				continue
			}
			if field.shown != nil {
				*field.shown = append(*field.shown, display(a))
			}
			if a.DisplayOnly || seen[addr] {
				continue
			}
			seen[addr] = true
			m.Recipients = append(m.Recipients, mms.Recipient{Address: addr})
		}
	}
	return m, refused
}

// recipient is an address as a recipient's: a number or short code as
// digits with an optional "+", an e-mail address as it is.
func recipient(a mm7soap.Address) (string, error) {
	v := strings.TrimSpace(a.Value)
	switch a.Kind {
	case mm7soap.Number, mm7soap.ShortCode:
		v = strings.TrimSuffix(v, "/TYPE=PLMN")
		if !mms.IsPhoneNumber(v) {
			return "", errors.New("not a phone number or short code")
		}
		return v, nil
	case mm7soap.RFC2822Address:
		if a := mms.AddrSpec(v); strings.Contains(a, "@") {
			return a, nil
		}
		return "", errors.New("not an e-mail address")
	}
	return "", errors.New("not an address")
}

// display is an address as headers show it to recipients.
func display(a mm7soap.Address) string {
	if a.Kind == mm7soap.RFC2822Address {
		return a.Value
	}
	return a.Value + "/TYPE=PLMN"
}

func kindOf(s string) mm7soap.AddressKind {
	if strings.Contains(s, "@") {
		return mm7soap.RFC2822Address
	}
	return mm7soap.Number
}

// cancel takes a CancelReq from acct: its recipients that have not had the
// message yet are cancelled.
func (h *Handler) cancel(ctx context.Context, acct vasp.Account, req *mm7soap.Request) mm7soap.Response {
	n, err := h.cfg.Cancel.Cancel(ctx, acct.Name, mms.MessageID(req.Cancel.MessageID))
	switch {
	case errors.Is(err, mms.ErrNotFound):
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.MessageIDNotFound,
			Details: "no message " + req.Cancel.MessageID + " of this account"})
	case err != nil:
		h.log.Error("mm7: cancel failed", "vasp", acct.Name, "message", req.Cancel.MessageID, "err", err)
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.ServerError, Details: "try again"})
	}
	return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.Success,
		Details: fmt.Sprintf("%d recipients that had not had it are cancelled", n)})
}

// replace takes a ReplaceReq from acct: the message's recipients that fetch
// it from now on get the new content.
func (h *Handler) replace(ctx context.Context, acct vasp.Account, req *mm7soap.Request) mm7soap.Response {
	err := h.cfg.Replace.Replace(ctx, acct.Name, mms.MessageID(req.Replace.MessageID), req.ContentType, req.Parts)
	switch {
	case errors.Is(err, mms.ErrNotFound):
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.MessageIDNotFound,
			Details: "no message " + req.Replace.MessageID + " of this account"})
	case mms.IsPermanent(err):
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.ContentRefused, Details: err.Error()})
	case err != nil:
		h.log.Error("mm7: replace failed", "vasp", acct.Name, "message", req.Replace.MessageID, "err", err)
		return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.ServerError, Details: "try again"})
	}
	return mm7soap.ResponseTo(req, mm7soap.Status{Code: mm7soap.Success,
		Details: "recipients that fetch it from now on get the new content"})
}
