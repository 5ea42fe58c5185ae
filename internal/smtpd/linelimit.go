package smtpd

import (
	"bytes"

	"github.com/emersion/go-smtp"
)

// lineLimit enforces the longest line a peer may send, as go-smtp's own
// MaxLineLength does, but on the socket and a line at a time: go-smtp checks
// every byte in a loop, which costs about a tenth of the server's CPU on a
// 30 KB message (BENCHMARKS.md), where bytes.IndexByte finds each line end
// at memory speed.
//
// It stands in for go-smtp's check on every transport: the connection
// checks what go-smtp reads, in the clear, below the TLS layer
// (trackedConn).
type lineLimit struct {
	max int   // bytes a line may hold before its LF
	cur int   // bytes since the last LF
	err error // sticky, as go-smtp's: the stream is out of step after it
}

// check counts the bytes b adds to the current line and the lines it
// starts, and fails with go-smtp's own error (which go-smtp answers with
// 500 and a close) once one of them runs past max.
func (l *lineLimit) check(b []byte) error {
	if l.err != nil {
		return l.err
	}
	for len(b) > 0 {
		room := l.max - l.cur // bytes this line may still take
		i := bytes.IndexByte(b[:min(len(b), room+1)], '\n')
		if i < 0 {
			if len(b) > room {
				l.err = smtp.ErrTooLongLine
				return l.err
			}
			l.cur += len(b)
			return nil
		}
		l.cur, b = 0, b[i+1:]
	}
	return nil
}
