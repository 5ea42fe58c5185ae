package mm4out

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Stage names the step of the dialogue at which a Send failed.
type Stage string

// Stages, in dialogue order.
const (
	StageConnect  Stage = "connect"  // TCP, implicit TLS, greeting, EHLO; also waiting for a slot
	StageStartTLS Stage = "starttls" // STARTTLS and the EHLO after it
	StageAuth     Stage = "auth"
	StageMail     Stage = "mail"
	StageRcpt     Stage = "rcpt"
	StageData     Stage = "data" // DATA, the message, the reply after the dot
)

// EnhancedCode is an RFC 3463 enhanced status code such as 5.1.1. The zero
// value means the peer sent none.
type EnhancedCode [3]int

func (c EnhancedCode) String() string {
	if c == (EnhancedCode{}) {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", c[0], c[1], c[2])
}

// RecipientError is a peer's refusal of one RCPT TO.
type RecipientError struct {
	Addr     string
	Code     int
	Enhanced EnhancedCode
	Message  string
}

// Temporary reports whether the recipient may be tried again (4xx).
func (r RecipientError) Temporary() bool { return r.Code < 500 }

func (r RecipientError) String() string {
	return fmt.Sprintf("<%s> %s", r.Addr, replyText(r.Code, r.Enhanced, r.Message))
}

// SendError is why a Send failed, and whether to try again.
//
//	cause                                              Temporary
//	network error, timeout, closed connection, context  yes
//	4xx reply (and 421 at any stage)                     yes
//	TLSRequired without STARTTLS, or STARTTLS failing     yes
//	AUTH asked for but the peer offers neither mechanism  yes
//	5xx reply                                            no
//	invalid Mail or Peer (never sent)                     no
//
// At StageRcpt the verdict is about the refused recipients only: temporary
// when every one of them got a 4xx. When some recipients were accepted the
// message went to them (Partial) and Send also returned the peer's reply:
// retry only the temporary entries of Refused, never the whole Mail.
type SendError struct {
	Stage Stage
	// Addr is the peer's host:port.
	Addr string
	// Code, Enhanced and Message are the peer's reply, when it sent one;
	// at StageRcpt they are those of the first refused recipient.
	Code     int
	Enhanced EnhancedCode
	Message  string
	// Refused lists the recipients the peer refused at RCPT TO.
	Refused []RecipientError
	// Accepted lists the recipients that got the message despite Refused.
	Accepted []string
	// Err is the underlying error when the peer sent no reply.
	Err error

	temporary bool
	byRefusal bool // the failure is Refused itself (rcptFailure)
}

func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mm4out: %s at %s: ", e.Stage, e.Addr)
	if e.byRefusal {
		fmt.Fprintf(&b, "%d of %d recipients refused: ", len(e.Refused), len(e.Refused)+len(e.Accepted))
		writeRefused(&b, e.Refused)
		return b.String()
	}
	switch {
	case e.Code != 0:
		b.WriteString(replyText(e.Code, e.Enhanced, e.Message))
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	if len(e.Refused) > 0 {
		b.WriteString(" (refused before: ")
		writeRefused(&b, e.Refused)
		b.WriteString(")")
	}
	return b.String()
}

func writeRefused(b *strings.Builder, refused []RecipientError) {
	for i, r := range refused {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.String())
	}
}

func (e *SendError) Unwrap() error { return e.Err }

// Temporary reports whether sending again later may succeed.
func (e *SendError) Temporary() bool { return e.temporary }

// Partial reports whether the message was delivered to Accepted although
// the recipients in Refused were not.
func (e *SendError) Partial() bool { return e.Stage == StageRcpt && len(e.Accepted) > 0 }

// Temporary reports whether err is, or wraps, a *SendError that is
// temporary. Any other error is not.
func Temporary(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Temporary()
}

// ErrClosed is the Err of a Send on a closed Client (temporary: the mail
// should wait for the next Client, not bounce).
var ErrClosed = errors.New("client closed")

// failure builds the SendError for err at stage: the reply when err is one
// (4xx temporary, 5xx permanent), else a temporary transport failure.
func failure(stage Stage, addr string, err error) *SendError {
	if r, ok := asReply(err); ok {
		return &SendError{Stage: stage, Addr: addr, Code: r.Code, Enhanced: EnhancedCode(r.EnhancedCode),
			Message: r.Message, temporary: r.Code < 500}
	}
	return &SendError{Stage: stage, Addr: addr, Err: err, temporary: true}
}

// asReply returns the peer's reply carried by err, if it is one.
func asReply(err error) (*smtp.SMTPError, bool) {
	var r *smtp.SMTPError
	ok := errors.As(err, &r)
	return r, ok
}

// reusable reports whether the connection is still in step after err: only
// a reply other than 421 (RFC 5321 §3.8: the peer is closing) leaves it so.
// Anything else (a network error, a timeout) may have left bytes in flight.
func reusable(err error) bool {
	r, ok := asReply(err)
	return ok && r.Code != 421
}

// withCause makes a failure caused by ctx say so: go-smtp only sees its
// deadline pass, and the caller wants errors.Is(err, context.Canceled).
// The socket deadline is the context's own, so it may pass a moment before
// ctx notices; the clock decides then.
func withCause(ctx context.Context, e *SendError) *SendError {
	cause := context.Cause(ctx)
	if d, ok := ctx.Deadline(); cause == nil && ok && !time.Now().Before(d) {
		cause = context.DeadlineExceeded
	}
	if cause == nil || e.Code != 0 || errors.Is(e.Err, cause) {
		return e
	}
	e.Err = fmt.Errorf("%w: %w", cause, e.Err)
	e.temporary = true
	return e
}

// replyOf turns a textproto error (from the STARTTLS exchange, which does
// not go through go-smtp) into the reply go-smtp would have made of it.
func replyOf(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return err
	}
	r := &smtp.SMTPError{Code: te.Code, Message: te.Msg}
	if code, text, ok := strings.Cut(te.Msg, " "); ok {
		if ec, ok := parseEnhanced(code); ok {
			r.EnhancedCode, r.Message = smtp.EnhancedCode(ec), text
		}
	}
	return r
}

func parseEnhanced(s string) (EnhancedCode, bool) {
	var ec EnhancedCode
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return ec, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return ec, false
		}
		ec[i] = n
	}
	return ec, true
}

func replyText(code int, ec EnhancedCode, msg string) string {
	if ec == (EnhancedCode{}) {
		return fmt.Sprintf("%d %s", code, msg)
	}
	return fmt.Sprintf("%d %s %s", code, ec, msg)
}
