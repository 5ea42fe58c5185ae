package smtpd

import (
	"sync"
	"sync/atomic"
	"time"
)

// shuttingDown is what an idle session is told when the server stops
// (RFC 5321 §3.8: a server that must shut down answers 421 to any command,
// and may close at once).
const shuttingDown = "421 4.3.2 Service shutting down, try again later\r\n"

// sessions are the open connections, for telling the idle ones that the
// server stops instead of holding them until their read timeout.
type sessions struct {
	mu       sync.Mutex
	open     map[*trackedConn]struct{}
	stopping atomic.Bool // set under mu, so that add and closeIdle agree; read without it after each reply
}

// add counts c among the open sessions; false once the server stops, when
// c is to be told so and closed.
func (s *sessions) add(c *trackedConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() {
		return false
	}
	if s.open == nil {
		s.open = make(map[*trackedConn]struct{})
	}
	s.open[c] = struct{}{}
	return true
}

// isStopping says whether the server stops.
func (s *sessions) isStopping() bool { return s.stopping.Load() }

// isFinalReply says whether b is the last line of a reply after which the
// client may send a command: not a continuation line ("250-"), and not an
// intermediate reply (354 before a message, 334 in AUTH).
func isFinalReply(b []byte) bool {
	return len(b) >= 4 && b[0] != '3' && b[3] == ' '
}

func (s *sessions) remove(c *trackedConn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

// closeIdle answers 421 to every session that waits for a command, and
// closes it; a session with a command or a message in hand finishes it.
func (s *sessions) closeIdle() {
	s.mu.Lock()
	s.stopping.Store(true)
	l := make([]*trackedConn, 0, len(s.open))
	for c := range s.open {
		l = append(l, c)
	}
	s.mu.Unlock()
	for _, c := range l {
		c.closeIfIdle()
	}
}

// closeIfIdle answers 421 and closes c if it waits for a command: through
// TLS when the session is under it. A connection still in its implicit
// TLS handshake has nothing to be told through yet, and is closed.
func (c *trackedConn) closeIfIdle() {
	c.mu.Lock()
	idle := !c.busy && !c.inData
	if idle && !c.handshaking {
		// go-smtp's write deadline may be long past: the 421 gets its own.
		c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
		c.stream.Write([]byte(shuttingDown))
	}
	c.mu.Unlock()
	if idle {
		c.Close()
	}
}

// taking marks c as taking a message (Session.Data), or no longer.
func (c *trackedConn) taking(on bool) {
	c.mu.Lock()
	c.inData = on
	c.mu.Unlock()
}
