package smsctest

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
)

// ErrNotBound is returned by SendReceipt and SendRaw when no client is
// bound.
var ErrNotBound = errors.New("smsctest: no bound client")

// Server is the fake SMSC. Its methods are safe for concurrent use.
type Server struct {
	ln                 net.Listener
	systemID, password string
	wg                 sync.WaitGroup

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every recorded event
	handler      func(Submit) uint32
	submits      []Submit
	deliverResps []DeliverResp
	nextID       int
	binds        int
	bindAttempts int
	enquireLinks int
	unbinds      int
	conns        map[*conn]struct{}
	closed       bool
}

// NewServer starts a server on 127.0.0.1 at a free port that accepts binds
// with systemID and password. Like httptest.NewServer it panics if it
// cannot listen.
func NewServer(systemID, password string) *Server {
	s, err := Listen("127.0.0.1:0", systemID, password)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen starts a server on addr, for a test that must choose the port
// (an SMSC that appears at a known address after the client started).
func Listen(addr, systemID, password string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smsctest: listening on %s: %w", addr, err)
	}
	s := &Server{
		ln:       ln,
		systemID: systemID,
		password: password,
		changed:  make(chan struct{}),
		conns:    make(map[*conn]struct{}),
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the host:port to give the client.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, closes every connection and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	_ = s.ln.Close()
	s.DropLinks()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{s: s, nc: nc}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.notifyLocked()
			s.mu.Unlock()
		}()
	}
}

// SetHandler decides the command_status of every later submit_sm: 0
// accepts it (and assigns the next message id), another status refuses
// it, NoResponse leaves it unanswered. The default accepts everything.
// The handler sees the Submit before its Status and MessageID are set. It
// runs on the connection's goroutine and may call the Server.
func (s *Server) SetHandler(h func(Submit) uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = h
}

// DropLinks closes every connection, bound or not, without unbinding.
func (s *Server) DropLinks() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.nc.Close()
	}
}

// notifyLocked wakes every Wait. Callers hold mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// event counts one occurrence and wakes the waiters.
func (s *Server) event(counter *int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*counter++
	s.notifyLocked()
}

// record stores a submit_sm with the status its answer will carry and
// returns it with its message id.
func (s *Server) record(sub Submit) Submit {
	s.mu.Lock()
	h := s.handler
	s.mu.Unlock()
	sub.Status = 0
	if h != nil {
		sub.Status = h(sub)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if sub.Status == 0 {
		s.nextID++
		sub.MessageID = strconv.Itoa(s.nextID)
	}
	s.submits = append(s.submits, sub)
	s.notifyLocked()
	return sub
}
