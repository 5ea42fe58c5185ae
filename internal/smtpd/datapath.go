package smtpd

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// The message after DATA is read here, in large reads off the socket, and
// not by go-smtp: go-smtp's DATA reader undoes dot-stuffing one
// bufio.ReadByte at a time, which cost a quarter of the server's CPU on a
// 30 KB message (BENCHMARKS.md). A connection arms itself when it writes
// the 354 that starts a message, provided go-smtp holds nothing of it
// (dataTap); the session then takes the message (trackedConn.takeMessage)
// and hands go-smtp an end-of-data line, so that go-smtp's reader,
// which still runs, finds the message over at once. When the connection
// is not armed, go-smtp reads the message itself, as before.

// dataTap is what a connection knows about where its client is in the
// SMTP dialogue, to tell when a message may be read past go-smtp.
type dataTap struct {
	// dataLast: the last read off the socket ended with a DATA line, and
	// no other line of it could have been one. go-smtp reads only when
	// its buffer holds no whole line, so once it has answered that
	// DATA, it holds nothing of the message.
	dataLast bool
	// armed: go-smtp wrote the 354 after such a read; the message is
	// still on the socket, untouched. Atomic because go-smtp runs
	// Session.Data for BDAT in a goroutine of its own, beside its reads
	// (never armed then: BDAT has no 354).
	armed atomic.Bool
	// pending is what go-smtp reads before the socket: an end-of-data
	// line, then what the client sent after its message (pipelined
	// commands).
	pending []byte
}

// go354 is the start of the reply that opens a message (RFC 5321 §4.3.2).
var go354 = []byte("354 ")

// sawRead notes a read of b off the socket, in the command phase.
func (d *dataTap) sawRead(b []byte) {
	if d.armed.Load() {
		d.armed.Store(false) // go-smtp reads the message itself
	}
	d.dataLast = endsWithData(b)
}

// sawReply notes a reply go-smtp writes.
func (d *dataTap) sawReply(b []byte) {
	d.armed.Store(d.dataLast && bytes.HasPrefix(b, go354))
	d.dataLast = false
}

// endsWithData says whether b ends with a line that is the DATA command,
// and none of its earlier lines could be one.
func endsWithData(b []byte) bool {
	if len(b) < 6 || b[len(b)-1] != '\n' {
		return false
	}
	// The last line first: most reads end with another, and are done.
	start := bytes.LastIndexByte(b[:len(b)-1], '\n') + 1
	last := bytes.TrimRight(bytes.TrimRight(b[start:], "\r\n"), " ")
	if !bytes.EqualFold(last, []byte("DATA")) {
		return false
	}
	for rest := b[:start]; len(rest) > 0; {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if len(line) >= 4 && bytes.EqualFold(line[:4], []byte("DATA")) {
			return false // a DATA line before the last: its message may be in go-smtp's buffer
		}
		rest = after
	}
	return true
}

// endOfData is the line go-smtp is handed in place of the message it did
// not read: its reader sees the message end at once.
var endOfData = []byte(".\r\n")

// readBuffers are the socket reads of takeMessage.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// takeMessage reads the message that follows the 354 c wrote, undoing
// dot-stuffing (RFC 5321 §4.5.2), into buf; past max bytes it reads to the
// end and keeps nothing, and too is true. It returns false, reading
// nothing, when c is not armed: then go-smtp's reader, the session's r,
// has the message.
func (c *trackedConn) takeMessage(buf *bytes.Buffer, max int64) (taken, tooBig bool, err error) {
	if !c.tap.armed.CompareAndSwap(true, false) {
		return false, false, nil
	}
	scratch := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(scratch)
	in := (*scratch)[:0]
	dots := dotReader{lineStart: true}
	for {
		n, rerr := c.read(in[len(in):cap(in)])
		in = in[:len(in)+n]
		out, used, end := dots.feed(buf.AvailableBuffer(), in)
		buf.Write(out)
		if int64(buf.Len()) > max {
			tooBig = true
			buf.Reset()
		}
		if end {
			// go-smtp reads the end-of-data line, then the rest.
			c.tap.pending = append(append(c.tap.pending[:0], endOfData...), in[used:]...)
			return true, tooBig, nil
		}
		if rerr != nil {
			return true, tooBig, rerr
		}
		// Keep the undecided tail (a CR, or a dot at a line's start).
		in = in[:copy(in, in[used:])]
	}
}

// dotReader undoes dot-stuffing and finds the end of data (RFC 5321
// §4.5.2): a line that starts with a dot has it removed, and a line that
// is only a dot ends the message. Lines end with CRLF, as go-smtp's reader
// has them.
type dotReader struct {
	lineStart bool
}

var crlfDot = []byte("\r\n.")

// feed appends to dst what in holds of the message and returns how much
// of in it used: all but a tail it cannot decide yet (a CR whose LF is to
// come, a dot at a line's start), which the caller gives again with more.
// end says the end-of-data line was used.
func (d *dotReader) feed(dst, in []byte) (out []byte, used int, end bool) {
	i := 0
	for {
		if d.lineStart {
			rest := in[i:]
			if len(rest) == 0 {
				return dst, i, false
			}
			if rest[0] == '.' {
				if len(rest) < 3 && bytes.HasPrefix(endOfData, rest) {
					return dst, i, false
				}
				if bytes.HasPrefix(rest, endOfData) {
					return dst, i + len(endOfData), true
				}
				i++ // the stuffed dot
			}
			d.lineStart = false
		}
		rest := in[i:]
		if j := bytes.Index(rest, crlfDot); j >= 0 {
			dst = append(dst, rest[:j+2]...)
			i += j + 2
			d.lineStart = true
			continue
		}
		switch {
		case bytes.HasSuffix(rest, crlfDot[:2]):
			dst, d.lineStart = append(dst, rest...), true
			return dst, len(in), false
		case len(rest) > 0 && rest[len(rest)-1] == '\r':
			return append(dst, rest[:len(rest)-1]...), len(in) - 1, false
		}
		return append(dst, rest...), len(in), false
	}
}
