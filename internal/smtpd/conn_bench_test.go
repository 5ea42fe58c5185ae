package smtpd

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// BenchmarkConnRead is what the connection costs go-smtp's reads of a 30 KB
// message in 76-character lines, through a 4 KB bufio.Reader as go-smtp's:
// on a plain server, and on a plain session of a server offering STARTTLS,
// where each line's start is looked at (startTLSLine). Neither may allocate.
//
//	go test -run='^$' -bench=ConnRead -benchmem ./internal/smtpd
func BenchmarkConnRead(b *testing.B) {
	line := strings.Repeat("QUJD", 19) + "\r\n"
	msg := []byte(strings.Repeat(line, 30<<10/len(line)))
	for _, tt := range []struct {
		name  string
		offer bool
	}{{"plain", false}, {"STARTTLS offered", true}} {
		b.Run(tt.name, func(b *testing.B) {
			sock := &socket{}
			c := &trackedConn{Conn: sock, stream: sock, lines: &lineLimit{max: 10000}}
			if tt.offer {
				c.offer = &startTLSLine{}
			}
			r := bufio.NewReaderSize(c, 4096)
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				sock.data = msg
				r.Reset(c)
				for {
					_, err := r.ReadSlice('\n')
					if err == io.EOF {
						break
					}
				}
			}
			if len(sock.data) != 0 {
				b.Fatal("not all read")
			}
		})
	}
}
