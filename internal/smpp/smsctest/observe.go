package smsctest

import (
	"context"
	"fmt"
)

// Submits returns every submit_sm received so far, in order.
func (s *Server) Submits() []Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submit(nil), s.submits...)
}

// DeliverResps returns every deliver_sm_resp received so far.
func (s *Server) DeliverResps() []DeliverResp {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]DeliverResp(nil), s.deliverResps...)
}

// Binds counts successful binds.
func (s *Server) Binds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds
}

// BindAttempts counts bind requests, refused ones included.
func (s *Server) BindAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bindAttempts
}

// EnquireLinks counts enquire_link requests received.
func (s *Server) EnquireLinks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enquireLinks
}

// Unbinds counts unbind requests received.
func (s *Server) Unbinds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unbinds
}

// Bound counts connections bound right now.
func (s *Server) Bound() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.bound {
			n++
		}
	}
	return n
}

// Wait blocks until cond is true or ctx ends. cond is evaluated after
// every event the server records (a bind, a submit, a closed connection,
// …), without the server's lock held, so it may call any method.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("smsctest: waiting: %w", context.Cause(ctx))
		}
	}
}

// WaitSubmits waits until at least n submit_sm have arrived and returns
// all of them.
func (s *Server) WaitSubmits(ctx context.Context, n int) ([]Submit, error) {
	var got []Submit
	err := s.Wait(ctx, func() bool {
		got = s.Submits()
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("%w (have %d of %d submits)", err, len(got), n)
	}
	return got, nil
}
