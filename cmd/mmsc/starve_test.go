package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestIdleHTTPStarvesNothing holds thousands of idle HTTP connections
// against a server with 1,024 file descriptors: SMTP must still greet and
// /healthz still answer, because the listeners' caps fit under the limit
// with descriptors to spare and an idle connection gives its place to a
// new one.
func TestIdleHTTPStarvesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const serverLimit, idle = 1024, 3000
	if l := descriptorLimit(); l < idle+1000 {
		t.Skipf("this process may open %d files; the test needs %d (raise ulimit -n)", l, idle+1000)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh to lower the server's open-file limit")
	}
	// One address, with no per-address cap in the way: the descriptor
	// budget alone must hold.
	path, _ := writeConfig(t, "max_connections_per_ip = 100000\n")
	p := startServe(t, exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" serve -config "$1"`, serverLimit), os.Args[0], path))

	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range idle {
		c, err := net.DialTimeout("tcp", p.addrs["HTTP"], 2*time.Second)
		if err != nil {
			t.Fatalf("after %d connections: %v", len(held), err)
		}
		held = append(held, c)
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	}

	// Each has had its answer, or been closed to make room: all idle now.
	deadline := time.Now().Add(30 * time.Second)
	open := 0
	for _, c := range held {
		c.SetReadDeadline(deadline)
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			resp.Body.Close()
			open++
		}
	}
	t.Logf("%d of %d connections answered before going idle or being closed to make room", open, idle)

	c, err := net.DialTimeout("tcp", p.smtp(), 5*time.Second)
	if err != nil {
		t.Fatalf("SMTP with %d HTTP connections held: %v", idle, err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	greeting, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(greeting, "220 ") {
		t.Errorf("SMTP greeting with %d HTTP connections held: %q, %v", idle, greeting, err)
	}

	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + p.addrs["HTTP"] + "/healthz")
	if err != nil {
		t.Fatalf("/healthz with %d HTTP connections held: %v", idle, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with %d HTTP connections held: %s", idle, resp.Status)
	}
	if log := p.stderr.String(); strings.Contains(log, "too many open files") {
		t.Errorf("the server ran out of descriptors:\n%s", tail(log, 2000))
	}
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
