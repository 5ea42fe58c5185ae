package smtpd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Session errors. Each has exactly one reply, chosen in reply.
var (
	errAuthRequired     = errors.New("authentication required")
	errAuthFailed       = errors.New("authentication failed")
	errAuthThrottled    = errors.New("too many failed logins")
	errSenderNotAllowed = errors.New("sender not allowed for this account")
	errForeignDomain    = errors.New("domain not served here")
	errDataTimeout      = errors.New("DATA took too long")
	errTooManyConns     = errors.New("too many connections")
	errAccountConns     = errors.New("too many connections for this account")
	errNoHello          = errors.New("no EHLO since STARTTLS")
	// A forward request addressed only to our system address has nobody
	// to deliver to.
	errNoHandsetRecipient = errors.New("no recipient but the MM4 system address: nobody to deliver this message to")
)

// routeSystem marks a recipient that is our MM4 system address rather than
// a subscriber; it never reaches the store.
const routeSystem mms.Route = "system"

// reply turns any error of a session into the SMTP reply the peer sees,
// and names the refusal for the metrics. Only errors about the peer's own
// input carry their text onto the wire; everything else is temporary and
// generic, and goes to the log instead.
func reply(err error) (*smtp.SMTPError, mms.Refusal) {
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se):
		return se, goSMTPRefusal(se) // go-smtp's own, e.g. 552 5.3.4 while reading DATA
	case errors.Is(err, errDataTimeout):
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Timeout reading the message, closing connection"}, mms.RefusedTimeout
	case errors.Is(err, errTooManyConns):
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many connections, try again later"}, mms.RefusedConnections
	case errors.Is(err, errAccountConns):
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many connections for this account, try again later"}, mms.RefusedConnections
	case errors.Is(err, errNoHello):
		// go-smtp's text for MAIL or AUTH before EHLO, with RFC 5321's code.
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "Please introduce yourself first."}, mms.RefusedMalformed
	case errors.Is(err, errAuthRequired):
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}, mms.RefusedAuth
	case errors.Is(err, errAuthThrottled):
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins from your address, try again later"}, mms.RefusedThrottled
	case errors.Is(err, errAuthFailed):
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}, mms.RefusedAuth
	case errors.Is(err, errSenderNotAllowed):
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: oneLine(err.Error())}, mms.RefusedSender
	case errors.Is(err, errForeignDomain), errors.Is(err, mms.ErrNoDomain):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 2}, Message: oneLine(err.Error())}, mms.RefusedRecipient
	case errors.Is(err, errNoHandsetRecipient):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: oneLine(err.Error())}, mms.RefusedRecipient
	case errors.Is(err, mms.ErrBadNumber):
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: oneLine(err.Error())}, mms.RefusedRecipient
	case errors.Is(err, smtp.ErrTooLongLine):
		// The message's fault, so permanent; go-smtp then closes, as the
		// rest of the line is still unread.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "A line of the message is too long; wrap lines at 998 characters (RFC 5322)"}, mms.RefusedMalformed
	case errors.Is(err, mm4.ErrMalformed), errors.Is(err, mm4.ErrUnsupportedType):
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: oneLine(err.Error())}, mms.RefusedMalformed
	default:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}, mms.RefusedTemporary
	}
}

// goSMTPRefusal names a reply go-smtp made itself: a message over the size
// limit (552), else trouble it had (4xx) or a dialogue it could not follow.
func goSMTPRefusal(se *smtp.SMTPError) mms.Refusal {
	switch {
	case se.Code == 552:
		return mms.RefusedSize
	case se.Code/100 == 4:
		return mms.RefusedTemporary
	}
	return mms.RefusedMalformed
}

// authReply is reply for the AUTH exchange, where anything unexpected is a
// temporary authentication failure (RFC 4954 454 4.7.0), not a storage one.
func authReply(err error) (*smtp.SMTPError, mms.Refusal) {
	if errors.Is(err, errAuthThrottled) || errors.Is(err, errAuthFailed) {
		return reply(err)
	}
	return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure, please try again later"}, mms.RefusedTemporary
}

// wire is rep as a line on the connection, for a refusal written before
// go-smtp has the connection.
func wire(rep *smtp.SMTPError) []byte {
	return fmt.Appendf(nil, "%d %d.%d.%d %s\r\n", rep.Code, rep.EnhancedCode[0], rep.EnhancedCode[1], rep.EnhancedCode[2], rep.Message)
}

// oneLine keeps a reply to one line of printable text, however odd the input
// quoted in it was.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 400 {
		s = strings.ToValidUTF8(s[:400], "") + "..." // never half a character
	}
	return s
}
