package httpserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// start serves h under cfg on a loopback port.
func start(t *testing.T, h http.Handler, cfg Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(h, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go s.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return ln.Addr().String()
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })

// client is one raw connection that speaks HTTP/1.1 by hand, so that the
// test decides exactly when bytes go and whether replies are read.
type client struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string, from string) *client {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{Conn: c, r: bufio.NewReader(c)}
}

// get sends a GET and returns the reply's status code, 0 if the connection
// ended first.
func (c *client) get(t *testing.T) int {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0
	}
	return c.status(t)
}

func (c *client) status(t *testing.T) int {
	t.Helper()
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// closed says whether the server has closed c, waiting up to d.
func (c *client) closed(d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := c.r.ReadByte()
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// busy is a handler that holds its request until release is closed.
func busy() (http.Handler, chan struct{}, chan struct{}) {
	in, release := make(chan struct{}, 100), make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in <- struct{}{}
		<-release
		io.WriteString(w, "done\n")
	}), in, release
}

func TestIdleConnectionsMakeRoom(t *testing.T) {
	addr := start(t, ok, Config{MaxConns: 3, MaxConnsPerIP: 3})
	var idle []*client
	for range 3 {
		c := dial(t, addr, "")
		if got := c.get(t); got != 200 {
			t.Fatalf("GET: %d, want 200", got)
		}
		idle = append(idle, c)
	}
	// net/http marks a connection idle just after its reply is out, so a
	// client may come before it does: it is told 503 then, and tries again
	// as Retry-After says (sooner here).
	got := 0
	for deadline := time.Now().Add(5 * time.Second); got != 200 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got = dial(t, addr, "").get(t)
	}
	if got != 200 {
		t.Fatalf("a fourth client while three are idle: %d, want 200 (an idle one closed for it)", got)
	}
	// Which one is the server's to say (the one it saw go idle first,
	// which under load need not be the first served); one, and only one.
	closed := 0
	for _, c := range idle {
		if c.closed(500 * time.Millisecond) {
			closed++
		}
	}
	if closed != 1 {
		t.Errorf("%d idle connections closed to make room for one, want 1", closed)
	}
}

func TestSilentConnectionsMakeRoom(t *testing.T) {
	addr := start(t, ok, Config{MaxConns: 2, MaxConnsPerIP: 2})
	silent := dial(t, addr, "")
	dial(t, addr, "")
	time.Sleep(quietFor + 200*time.Millisecond)
	if got := dial(t, addr, "").get(t); got != 200 {
		t.Fatalf("a client while two connections have sent nothing for %s: %d, want 200", quietFor, got)
	}
	if !silent.closed(2 * time.Second) {
		t.Error("the connection quiet longest is still open")
	}
}

func TestCaps(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		busyFrom []string // each holds a slot with a request in progress
		from     string
		want     int
	}{
		{"room", Config{MaxConns: 3, MaxConnsPerIP: 3}, []string{"127.0.0.1", "127.0.0.1"}, "127.0.0.1", 200},
		{"every slot busy", Config{MaxConns: 2, MaxConnsPerIP: 5}, []string{"127.0.0.1", "127.0.0.2"}, "127.0.0.3", 503},
		{"address busy", Config{MaxConns: 10, MaxConnsPerIP: 2}, []string{"127.0.0.1", "127.0.0.1"}, "127.0.0.1", 503},
		{"another address", Config{MaxConns: 10, MaxConnsPerIP: 2}, []string{"127.0.0.1", "127.0.0.1"}, "127.0.0.2", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, in, release := busy()
			var once sync.Once
			releaseAll := func() { once.Do(func() { close(release) }) }
			defer releaseAll()
			addr := start(t, h, tt.cfg)
			for _, from := range tt.busyFrom {
				c := dial(t, addr, from)
				io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				select {
				case <-in:
				case <-time.After(5 * time.Second):
					t.Fatal("request never reached the handler")
				}
			}
			c := dial(t, addr, tt.from)
			got := make(chan int, 1)
			go func() { got <- c.get(t) }()
			if tt.want == 200 {
				<-in
				releaseAll()
			}
			if g := <-got; g != tt.want {
				t.Errorf("status %d, want %d", g, tt.want)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	cfg := Config{HeaderTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}
	addr := start(t, ok, cfg)

	silent := dial(t, addr, "")
	if !silent.closed(3 * time.Second) {
		t.Error("a client that sent no request is still connected after the header timeout")
	}
	slowHeaders := dial(t, addr, "")
	io.WriteString(slowHeaders, "GET / HTTP/1.1\r\n")
	if !slowHeaders.closed(3 * time.Second) {
		t.Error("a client that never finished its headers is still connected after the header timeout")
	}
	kept := dial(t, addr, "")
	if got := kept.get(t); got != 200 {
		t.Fatalf("GET: %d", got)
	}
	if !kept.closed(3 * time.Second) {
		t.Error("an idle kept-alive connection is still open after the idle timeout")
	}
}

// TestBodyPace: a body must come at MinRate after the grace; a handler
// that has read it all may take as long as it likes.
func TestBodyPace(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		chunk int
		every time.Duration
		want  string
	}{
		{"at once", 1000, 1000, 0, "read 1000"},
		{"twice the rate", 2000, 50, 25 * time.Millisecond, "read 2000"},
		{"a byte every 200ms", 1000, 1, 200 * time.Millisecond, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result := make(chan string, 1)
			const grace, rate = 500 * time.Millisecond, 1000
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				start := time.Now()
				b, err := io.ReadAll(r.Body)
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					result <- "timeout"
					return
				}
				// Past the body's deadline, with the body read: the
				// request lives on.
				time.Sleep(time.Until(start.Add(grace + time.Duration(len(b))*time.Second/rate + 300*time.Millisecond)))
				if err := r.Context().Err(); err != nil {
					result <- "context " + err.Error()
					return
				}
				result <- fmt.Sprintf("read %d", len(b))
			})
			addr := start(t, h, Config{StallTimeout: grace, MinRate: rate})
			c := dial(t, addr, "")
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", tt.size)
			go func() {
				body := strings.Repeat("x", tt.size)
				for i := 0; i < len(body); i += tt.chunk {
					if _, err := io.WriteString(c, body[i:min(i+tt.chunk, len(body))]); err != nil {
						return
					}
					time.Sleep(tt.every)
				}
			}()
			select {
			case got := <-result:
				if got != tt.want {
					t.Errorf("handler saw %q, want %q", got, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("handler still reading after 10s")
			}
		})
	}
}

// TestReplyPace: a client that stops reading is let go once the socket
// buffers are full, not when the reply would have ended.
func TestReplyPace(t *testing.T) {
	wrote := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for range 256 {
			if _, err := w.Write(chunk); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	})
	addr := start(t, h, Config{StallTimeout: 300 * time.Millisecond, MinRate: 1000})
	c := dial(t, addr, "")
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case err := <-wrote:
		if err == nil {
			t.Fatal("256 MB written to a client that reads nothing")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server still waits on a client that reads nothing")
	}
}
