package smpp

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/pdu"
)

// link is one bound transceiver connection. Its reader (Client.readLoop)
// is the only one reading; every write — submits, enquire_link, answers to
// the SMSC — goes through write, one PDU at a time.
type link struct {
	conn         net.Conn
	r            *bufio.Reader
	window       chan struct{} // the client's; every pending entry holds one slot
	writeTimeout time.Duration

	wmu sync.Mutex
	seq int32 // last sequence_number used; under wmu

	mu       sync.Mutex
	pending  map[int32]*pending
	err      error         // why the link died; set once
	done     chan struct{} // closed when err is set
	unbound  chan struct{} // closed when our unbind is answered
	unbindOK bool
}

// pending is one submit_sm awaiting its response. Whoever removes it from
// link.pending (response, link death, or the submitter giving up) frees its
// window slot, exactly once.
type pending struct {
	seq    int32
	sentAt time.Time
	ch     chan result // buffered: the resolver never blocks
}

type result struct {
	id  string
	err error
}

func newLink(conn net.Conn, window chan struct{}, writeTimeout time.Duration) *link {
	return &link{
		conn:         conn,
		r:            bufio.NewReader(conn),
		window:       window,
		writeTimeout: writeTimeout,
		pending:      make(map[int32]*pending),
		done:         make(chan struct{}),
		unbound:      make(chan struct{}),
	}
}

// request writes p with the next sequence_number and returns the number.
func (l *link) request(p pdu.PDU) (int32, error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	seq := l.nextSeq()
	p.SetSequenceNumber(seq)
	return seq, l.writeLocked(p)
}

// respond writes an answer, which carries the request's sequence_number.
func (l *link) respond(p pdu.PDU) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return l.writeLocked(p)
}

// send writes a submit_sm and registers it so the reader can hand it its
// response. The caller holds a window slot, which send takes over. It is
// registered before the write because the response may arrive before
// Write returns.
func (l *link) send(p pdu.PDU) (*pending, error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	pend := &pending{seq: l.nextSeq(), ch: make(chan result, 1)}
	p.SetSequenceNumber(pend.seq)

	l.mu.Lock()
	if l.err != nil {
		err := l.err
		l.mu.Unlock()
		<-l.window
		return nil, fmt.Errorf("%w: %v", ErrLinkDropped, err)
	}
	l.pending[pend.seq] = pend
	l.mu.Unlock()

	pend.sentAt = time.Now()
	if err := l.writeLocked(p); err != nil {
		l.abandon(pend) // normally already failed by kill; this covers a race
		return nil, fmt.Errorf("%w: %v", ErrLinkDropped, err)
	}
	return pend, nil
}

// nextSeq wraps within 1..0x7FFFFFFF (SMPP v3.4 §5.1.4). Callers hold wmu.
func (l *link) nextSeq() int32 {
	if l.seq == 0x7FFFFFFF {
		l.seq = 0
	}
	l.seq++
	return l.seq
}

// writeLocked marshals and writes one PDU; a failed write kills the link,
// since a partly written PDU leaves the stream unusable. Callers hold wmu.
func (l *link) writeLocked(p pdu.PDU) error {
	buf := pdu.NewBuffer(make([]byte, 0, 64))
	p.Marshal(buf)
	if err := l.conn.SetWriteDeadline(time.Now().Add(l.writeTimeout)); err != nil {
		l.kill(err)
		return err
	}
	if _, err := l.conn.Write(buf.Bytes()); err != nil {
		err = fmt.Errorf("writing %s: %w", p.GetHeader().CommandID, err)
		l.kill(err)
		return err
	}
	return nil
}

// resolve hands a response to the submit_sm with this sequence_number and
// reports whether one was waiting.
func (l *link) resolve(seq int32, r result) bool {
	l.mu.Lock()
	pend := l.pending[seq]
	delete(l.pending, seq)
	l.mu.Unlock()
	if pend == nil {
		return false
	}
	<-l.window
	pend.ch <- r
	return true
}

// abandon forgets a submit_sm whose submitter stopped waiting (timeout,
// context end). A response arriving later is logged as unexpected.
func (l *link) abandon(pend *pending) {
	l.mu.Lock()
	_, ok := l.pending[pend.seq]
	delete(l.pending, pend.seq)
	l.mu.Unlock()
	if ok {
		<-l.window
	}
}

// kill ends the link for good: it closes the connection and fails every
// outstanding submit_sm at once, so no submitter waits for its timeout.
func (l *link) kill(cause error) {
	l.mu.Lock()
	if l.err != nil {
		l.mu.Unlock()
		return
	}
	l.err = cause
	failed := l.pending
	l.pending = make(map[int32]*pending)
	close(l.done)
	l.mu.Unlock()

	_ = l.conn.Close()
	for _, pend := range failed {
		<-l.window
		pend.ch <- result{err: fmt.Errorf("%w: %v", ErrLinkDropped, cause)}
	}
}

// markUnbound records the SMSC's unbind_resp.
func (l *link) markUnbound() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.unbindOK {
		l.unbindOK = true
		close(l.unbound)
	}
}
