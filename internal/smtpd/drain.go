package smtpd

import (
	"sync"
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
	stopping bool
}

// add counts c among the open sessions; false once the server stops, when
// c is to be told so and closed.
func (s *sessions) add(c *trackedConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	if s.open == nil {
		s.open = make(map[*trackedConn]struct{})
	}
	s.open[c] = struct{}{}
	return true
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
	s.stopping = true
	l := make([]*trackedConn, 0, len(s.open))
	for c := range s.open {
		l = append(l, c)
	}
	s.mu.Unlock()
	for _, c := range l {
		c.closeIfIdle()
	}
}
