package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkIdleSessions holds b.N idle SMTP sessions against mmsc serve as
// a process on its defaults, and reports what they cost the server in
// resident memory (VmRSS), per 1,000 sessions and in all: sessions past
// their EHLO (ehlo), as a VASP's pool holding its connections open leaves
// them, and, for comparison, connections that were greeted and said
// nothing (greeted). The sessions are one VASP's, an IP account with room
// for them all:
//
//	go test -run='^$' -bench=IdleSessions -benchtime=10000x ./cmd/mmsc
func BenchmarkIdleSessions(b *testing.B) {
	b.Run("ehlo", func(b *testing.B) { idleSessions(b, true) })
	b.Run("greeted", func(b *testing.B) { idleSessions(b, false) })
}

func idleSessions(b *testing.B, ehlo bool) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc/PID/status (Linux) to read the server's memory")
	}
	if l := descriptorLimit(); l < uint64(b.N)+1000 {
		b.Skipf("this process may open %d files; %d sessions need %d (raise ulimit -n)", l, b.N, b.N+1000)
	}
	path, _ := writeConfig(b, "")
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-max-connections", strconv.Itoa(b.N+1), "-config", path); err != nil {
		b.Fatal(err)
	}
	p := startProcess(b, path)
	// The first session pays for what every later one shares, and, open,
	// makes the account's every later connection from its address at once,
	// before an EHLO says so, past the address's cap.
	defer idle(b, p.smtp(), true).Close()
	time.Sleep(100 * time.Millisecond)
	before := rss(b, p.cmd.Process.Pid)

	// b.N sessions in all, the first among them: as many as the
	// default max_connections admits, for -benchtime=10000x.
	more := max(1, b.N-1)
	held := make([]net.Conn, 0, more)
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	b.ResetTimer()
	for range more {
		held = append(held, idle(b, p.smtp(), ehlo))
	}
	b.StopTimer()
	time.Sleep(100 * time.Millisecond) // the last sessions' goroutines settle
	after := rss(b, p.cmd.Process.Pid)
	mb := func(kb int) float64 { return float64(kb) / 1024 }
	b.ReportMetric(mb(after-before)*1000/float64(more), "MB/1000-sessions")
	b.ReportMetric(mb(after), "MB-RSS")
	b.Logf("%d idle sessions: server RSS %.1f MB with one, %.1f MB with all: %.1f MB per 1,000", 1+more, mb(before), mb(after), mb(after-before)*1000/float64(more))
}

// idle opens a session to addr, reads its greeting, greets it with EHLO if
// asked, and leaves it idle.
func idle(b *testing.B, addr string, ehlo bool) net.Conn {
	b.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReaderSize(c, 512)
	reply := func() string {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				b.Fatalf("reading a reply: %v", err)
			}
			if len(l) < 4 || l[3] != '-' {
				return l
			}
		}
	}
	if l := reply(); !strings.HasPrefix(l, "220 ") {
		b.Fatalf("greeting %q", l)
	}
	if ehlo {
		fmt.Fprintf(c, "EHLO vasp.example.com\r\n")
		if l := reply(); !strings.HasPrefix(l, "250 ") {
			b.Fatalf("EHLO answered %q", l)
		}
	}
	c.SetDeadline(time.Time{})
	return c
}

// rss is the resident memory of process pid, in KiB.
func rss(b *testing.B, pid int) int {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				b.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb
		}
	}
	b.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}
