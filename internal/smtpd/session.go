package smtpd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/connlimit"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// lookupTimeout bounds one account lookup; a stuck store must not hold a
// session forever.
const lookupTimeout = 10 * time.Second

// submitTimeout bounds waiting for a durable commit after DATA.
const submitTimeout = time.Minute

type session struct {
	srv    *Server
	conn   *smtp.Conn
	tc     *trackedConn // the connection under conn; nil only if go-smtp was given another
	ip     netip.Addr
	remote string
	start  time.Time

	account *vasp.Account // nil until AUTH succeeds or the address is an IP account
	how     string        // "ip", "login" or "plain": for the log

	from  string
	rcpts []mms.Recipient

	messages, refused int // for the session log line
}

// newSession is a connection's session from its EHLO (or HELO); its error
// is the reply, after which the connection closes.
func (s *Server) newSession(c *smtp.Conn) (*session, error) {
	ss := &session{
		srv:    s,
		conn:   c,
		tc:     tracked(c.Conn()),
		ip:     connlimit.RemoteIP(c.Conn()),
		remote: c.Conn().RemoteAddr().String(),
		start:  s.cfg.Now(),
	}
	// NowSMS: an account named by an IP address is every connection from it.
	if ss.ip.IsValid() {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		a, err := s.accounts.Account(ctx, ss.ip.String())
		switch {
		case err == nil:
			if err := ss.countAgainst(a); err != nil {
				return nil, err
			}
			ss.account, ss.how = &a, "ip"
		case !errors.Is(err, ErrNoAccount):
			// Not fatal: the peer may still AUTH; MAIL will say 530.
			s.log.Error("IP account lookup failed", "remote", ss.remote, "err", err)
		}
	}
	return ss, nil
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Login, sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.tc.helloNeeded() {
		rep, _ := reply(errNoHello)
		return nil, rep
	}
	switch mech {
	case sasl.Login:
		return newLoginServer(func(user, pass string) error { return ss.login(user, pass, "login") }), nil
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return ss.loginRefused(user, ss.srv.logins.Refuse(ss.ip, user, "authorization identity differs"))
			}
			return ss.login(user, pass, "plain")
		}), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// login checks credentials; its error is the AUTH reply.
func (ss *session) login(user, pass, how string) error {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	a, err := ss.srv.logins.Login(ss.ip, user, pass, func(name string) (vasp.Account, bool, error) {
		a, err := ss.srv.accounts.Account(ctx, name)
		if errors.Is(err, ErrNoAccount) {
			return a, false, nil
		}
		return a, err == nil, err
	})
	if err != nil {
		return ss.loginRefused(user, err)
	}
	if err := ss.countAgainst(a); err != nil {
		return err
	}
	ss.account, ss.how = &a, how
	ss.tc.tooLateForTLS() // what was said in the clear must not count as said under TLS
	return nil
}

// loginRefused turns a login's error into the AUTH reply. Why it failed
// goes to the log only: the peer learns no more than "invalid".
func (ss *session) loginRefused(user string, err error) error {
	switch {
	case errors.Is(err, vasp.ErrThrottled):
		ss.srv.log.Warn("login refused: throttled", "remote", ss.remote, "account", user, "err", err)
		closeAfterReply(ss.conn.Conn())
		return ss.srv.refused(authReply(errAuthThrottled))
	case errors.Is(err, vasp.ErrLoginFailed):
		ss.srv.log.Warn("login failed", "remote", ss.remote, "account", user, "reason", err.Error())
		return ss.srv.refused(authReply(errAuthFailed))
	}
	ss.srv.log.Error("account lookup failed", "remote", ss.remote, "account", user, "err", err)
	return ss.srv.refused(authReply(err))
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.tc.helloNeeded() {
		rep, _ := reply(errNoHello) // go-smtp's own sequence error, not a refusal to count
		return rep
	}
	if ss.account == nil {
		return ss.srv.refused(reply(errAuthRequired))
	}
	if !ss.account.MaySendAs(from) {
		return ss.srv.refused(reply(fmt.Errorf("%w: %q", errSenderNotAllowed, from)))
	}
	ss.from, ss.rcpts = from, nil
	ss.tc.tooLateForTLS() // the listener can no longer tell commands from message bytes (BDAT)
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.account == nil {
		return ss.srv.refused(reply(errAuthRequired))
	}
	r, err := ss.recipient(to)
	if err != nil {
		return ss.srv.refused(reply(err))
	}
	for _, have := range ss.rcpts {
		if have == r {
			return nil // the same recipient twice gets one delivery
		}
	}
	ss.rcpts = append(ss.rcpts, r)
	return nil
}

// recipient checks the domain before the number: a foreign domain is
// refused as such whatever its local part looks like.
func (ss *session) recipient(to string) (mms.Recipient, error) {
	at := strings.LastIndexByte(to, '@')
	if at < 0 {
		return mms.Recipient{}, fmt.Errorf("%q: %w", to, mms.ErrNoDomain)
	}
	route, ok := ss.srv.domains.route(strings.ToLower(to[at+1:]))
	if !ok {
		return mms.Recipient{}, fmt.Errorf("%q: %w", to[at+1:], errForeignDomain)
	}
	if local := strings.TrimPrefix(to[:at], "<"); strings.EqualFold(local, ss.srv.cfg.SystemUser) {
		return mms.Recipient{Address: local, Route: routeSystem}, nil
	}
	addr, err := mms.ParseAddress(to)
	if err != nil {
		return mms.Recipient{}, err
	}
	return mms.Recipient{Address: addr.Number, Route: route}, nil
}

// Data answers the end of DATA with exactly one reply, and logs it. The
// cause of an internal failure was logged where it happened; the peer and
// this line see only the reply.
func (ss *session) Data(r io.Reader) error {
	if ss.tc != nil {
		// A message in hand is finished, whoever stops the server.
		ss.tc.taking(true)
		defer ss.tc.taking(false)
	}
	start := ss.srv.cfg.Now()
	id, err := ss.data(r)
	rep := &smtp.SMTPError{Code: 250, EnhancedCode: smtp.NoEnhancedCode, Message: "Message Accepted <" + string(id) + ">"}
	if id == "" { // a response or report: recorded, no message of ours
		rep.Message = "Answer accepted"
	}
	lvl := slog.LevelInfo
	if err != nil {
		rep, lvl = ss.srv.refused(reply(err)), slog.LevelWarn
		ss.refused++
	} else {
		ss.messages++
	}
	ss.srv.log.Log(context.Background(), lvl, "message",
		"vasp", ss.accountName(), "remote", ss.remote, "id", string(id),
		"recipients", len(ss.rcpts), "code", rep.Code, "outcome", outcome(rep.Code),
		"ms", ss.srv.cfg.Now().Sub(start).Milliseconds(), "reply", rep.Message)
	return rep
}

func (ss *session) data(r io.Reader) (mms.MessageID, error) {
	if ss.account == nil {
		return "", errAuthRequired
	}
	// go-smtp sets a read deadline per command line; DATA gets one budget.
	ss.conn.Conn().SetReadDeadline(ss.srv.cfg.Now().Add(ss.srv.cfg.DataTimeout))

	buf := ss.srv.getBuffer()
	defer ss.srv.putBuffer(buf) // the store is done with Raw once Accept returns
	if err := ss.readMessage(buf, r); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			closeAfterReply(ss.conn.Conn())
			return "", errDataTimeout
		}
		return "", err // 552 for the size limit, or a network error
	}
	pdu, err := mm4.ParseAny(buf.Bytes(), ss.srv.cfg.Now())
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	if pdu.Type != mm4.TypeForwardReq {
		return "", ss.answer(ctx, pdu)
	}
	m := pdu.Forward
	m.Origin = mms.Origin{Interface: mms.InterfaceMM4, Account: ss.account.Name}
	m.EnvelopeFrom = ss.from
	m.ForwardCounter = pdu.ForwardCounter
	for _, rc := range ss.rcpts {
		if rc.Route != routeSystem { // our system address takes answers, not messages
			m.Recipients = append(m.Recipients, rc)
		}
	}
	if len(m.Recipients) == 0 {
		return "", errNoHandsetRecipient
	}
	id, err := ss.srv.accept.Accept(ctx, m)
	if err != nil {
		ss.srv.log.Error("submit failed", "vasp", ss.accountName(), "remote", ss.remote, "err", err)
		return "", err
	}
	return id, nil
}

// readMessage reads the message into buf: off the socket in large reads
// when the connection can (takeMessage), else through go-smtp's reader r.
func (ss *session) readMessage(buf *bytes.Buffer, r io.Reader) error {
	if tc := tracked(ss.conn.Conn()); tc != nil {
		taken, tooBig, err := tc.takeMessage(buf, ss.srv.cfg.MaxMessageBytes)
		if taken {
			if err == nil && tooBig {
				err = smtp.ErrDataTooLarge // go-smtp's own reply
			}
			return err
		}
	}
	_, err := buf.ReadFrom(r)
	return err
}

// answer records a response or report.
func (ss *session) answer(ctx context.Context, pdu *mm4.PDU) error {
	if ss.srv.answers == nil {
		return mms.Permanent(fmt.Errorf("%w: %s is not taken here", mm4.ErrUnsupportedType, pdu.Type))
	}
	if err := ss.srv.answers.take(ctx, ss.account.Name, pdu); err != nil {
		ss.srv.log.Error("answer failed", "vasp", ss.accountName(), "remote", ss.remote, "type", pdu.Type, "err", err)
		return err
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.rcpts = "", nil }

func (ss *session) Logout() error {
	ss.srv.log.Info("session",
		"vasp", ss.accountName(), "remote", ss.remote, "auth", ss.how,
		"messages", ss.messages, "refused", ss.refused,
		"ms", ss.srv.cfg.Now().Sub(ss.start).Milliseconds())
	return nil
}

func (ss *session) accountName() string {
	if ss.account == nil {
		return ""
	}
	return ss.account.Name
}

func outcome(code int) string {
	switch code / 100 {
	case 2:
		return "accepted"
	case 4:
		return "deferred"
	default:
		return "refused"
	}
}
