package smtpd

import (
	"bytes"
	"io"
	"net"
	"testing"
)

// socket is the far side's bytes as a net.Conn that returns them in the
// given read sizes: a fake of the network, not of anything of ours.
type socket struct {
	net.Conn
	data  []byte
	sizes []int
}

func (s *socket) Read(b []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := len(s.data)
	if len(s.sizes) > 0 {
		n, s.sizes = max(1, min(n, s.sizes[0])), s.sizes[1:]
	}
	n = copy(b, s.data[:n])
	s.data = s.data[n:]
	return n, nil
}

// FuzzReadOffering: while STARTTLS is offered, go-smtp gets every byte, in
// order, and each line it would take for STARTTLS ends a read, after which
// the connection knows it does, whatever the socket's and go-smtp's read
// sizes.
func FuzzReadOffering(f *testing.F) {
	f.Add([]byte("EHLO x\r\nSTARTTLS\r\nRSET\r\nSTARTTLS now\r\nNOOP\r\n"), []byte{100, 3}, uint8(7))
	f.Add([]byte("STARTTLS\nSTARTTLS\nſTARTTLS\n"), []byte{1}, uint8(4))
	f.Fuzz(func(t *testing.T, data, sizes []byte, bufSize uint8) {
		sock := &socket{data: bytes.Clone(data)}
		for _, s := range sizes {
			sock.sizes = append(sock.sizes, int(s))
		}
		c := &trackedConn{Conn: sock, stream: sock, lines: &lineLimit{max: 1 << 20}, offer: &startTLSLine{}}
		ends, odd := goSMTPStartTLSEnds(data)
		var got []byte
		buf := make([]byte, int(bufSize)%64+1)
		for {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			atEnd := len(ends) > 0 && len(got) == ends[0]
			if n > 0 && c.tlsEnd != atEnd || atEnd && c.tlsOdd != odd[0] {
				t.Fatalf("after %q: tlsEnd %v odd %v, want %v", got, c.tlsEnd, c.tlsOdd, atEnd)
			}
			if atEnd {
				ends, odd = ends[1:], odd[1:]
			}
			if len(ends) > 0 && len(got) > ends[0] {
				t.Fatalf("a read ran past the STARTTLS line ending at %d: %q", ends[0], got)
			}
			if err != nil {
				break
			}
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("go-smtp got %q, want %q", got, data)
		}
	})
}
