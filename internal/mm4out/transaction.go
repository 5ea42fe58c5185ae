package mm4out

import (
	"context"
	"time"

	"github.com/emersion/go-smtp"
)

// deliver runs one mail transaction (RFC 5321 §3.3) on cn and reports
// whether cn is still in step for the next one. After a refusal the
// transaction is abandoned with RSET, and cn kept only if RSET succeeds.
func (c *Client) deliver(ctx context.Context, cn *conn, m Mail) (reply string, inStep bool, _ *SendError) {
	cn.raw.bind(ctx)
	defer cn.raw.unbind()
	sc, addr := cn.smtp, cn.key.addr

	// SIZE (RFC 1870) lets a peer refuse an oversized MM at MAIL FROM
	// instead of after all of it has crossed; go-smtp adds it only when
	// offered.
	if err := sc.Mail(m.From, &smtp.MailOptions{Size: int64(len(m.Data))}); err != nil {
		return "", c.reset(cn, err), failure(StageMail, addr, err)
	}

	var accepted []string
	var refused []RecipientError
	for _, to := range m.To {
		err := sc.Rcpt(to, nil)
		if err == nil {
			accepted = append(accepted, to)
			continue
		}
		r, ok := asReply(err)
		if !ok || r.Code == 421 {
			e := failure(StageRcpt, addr, err)
			e.Refused = refused
			return "", false, e
		}
		refused = append(refused, RecipientError{Addr: to, Code: r.Code, Enhanced: EnhancedCode(r.EnhancedCode), Message: r.Message})
	}
	if len(accepted) == 0 {
		return "", c.reset(cn, nil), rcptFailure(addr, refused, nil)
	}

	w, err := sc.Data()
	if err != nil {
		return "", c.reset(cn, err), dataFailure(addr, err, refused)
	}
	// go-smtp bounds only the reply after the dot; bound the writing too.
	cn.raw.SetDeadline(time.Now().Add(c.cfg.DataTimeout))
	if _, err := w.Write(m.Data); err != nil {
		return "", false, dataFailure(addr, err, refused)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", c.reset(cn, err), dataFailure(addr, err, refused)
	}
	if len(refused) > 0 {
		return resp.StatusText, true, rcptFailure(addr, refused, accepted)
	}
	return resp.StatusText, true, nil
}

// reset abandons the transaction after err (nil: a refusal already
// recorded) and reports whether cn is still in step: only after a reply,
// not 421, and a successful RSET.
func (c *Client) reset(cn *conn, err error) bool {
	if err != nil && !reusable(err) {
		return false
	}
	if err := cn.smtp.Reset(); err != nil {
		c.log.Debug("mm4out: RSET failed, dropping connection", "peer", cn.key.addr, "err", err)
		return false
	}
	return true
}

// rcptFailure reports refused recipients. It is temporary only when every
// refusal was: a 5xx recipient must not be retried with the others.
func rcptFailure(addr string, refused []RecipientError, accepted []string) *SendError {
	first := refused[0]
	e := &SendError{Stage: StageRcpt, Addr: addr, Code: first.Code, Enhanced: first.Enhanced, Message: first.Message,
		Refused: refused, Accepted: accepted, temporary: true, byRefusal: true}
	for _, r := range refused {
		if !r.Temporary() {
			e.temporary = false
		}
	}
	return e
}

// dataFailure is a failure at DATA; recipients refused earlier are kept
// for the record.
func dataFailure(addr string, err error, refused []RecipientError) *SendError {
	e := failure(StageData, addr, err)
	e.Refused = refused
	return e
}
