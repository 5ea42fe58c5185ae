package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSMTPSink is the yardstick a VASP would pick: Postfix's
// smtp-source, 16 sessions each reusing its connection, sending the ~30 KB
// MM4_forward.REQ to "mmsc serve" (a child process, as the README starts
// it, every message synced before its 250) and to Postfix's smtp-sink,
// which throws each message away, rounds alternating. It reports the
// median of the rounds' ratios, mmsc's CPU per message, and checks that
// every message smtp-source sent is in the store afterwards:
//
//	go test -run='^$' -bench=SMTPSink -benchtime=20000x ./cmd/mmsc
//
// It needs smtp-source and smtp-sink (Debian: apt-get install postfix;
// the package's own service need not run) and skips without them.
func BenchmarkSMTPSink(b *testing.B) {
	source, sink := postfixTool(b, "smtp-source"), postfixTool(b, "smtp-sink")
	const sessions = 16

	dir := b.TempDir()
	msgFile := filepath.Join(dir, "mm4-lf.eml")
	// As VASPs send it, asking for its MM4_forward.RES; the benchmark's
	// IP account has no report endpoint, so nothing can take it. smtp-source
	// appends CRLF to each line of its file, so LF line ends.
	req := benchRequest()
	req.AckRequest, req.OriginatorSystem = true, "system-user@mms.vasp.example"
	msg := bytes.ReplaceAll(buildBench(b, req), []byte("\r\n"), []byte("\n"))
	if err := os.WriteFile(msgFile, msg, 0o644); err != nil {
		b.Fatal(err)
	}

	sinkAddr := freeAddr(b)
	args := []string{sinkAddr, "256"}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...) // it refuses to run as root
	}
	sk := exec.Command(sink, args...)
	sk.Stderr = os.Stderr
	if err := sk.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sk.Process.Kill(); sk.Wait() })
	waitListening(b, sinkAddr)

	path, dataDir := writeConfig(b, "")
	if _, err := mmsc(b, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		b.Fatal(err)
	}
	p := startProcess(b, path)

	send := func(addr string, n int) float64 {
		cmd := exec.Command(source, "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(n), "-d",
			"-F", msgFile, "-f", "+447779998888/TYPE=PLMN@mms.example.net",
			"-t", "+447778889999/TYPE=PLMN@mms.example.net", addr)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil || out.Len() > 0 {
			b.Fatalf("smtp-source to %s: %v\n%s", addr, err, out.String())
		}
		return float64(n) / time.Since(start).Seconds()
	}
	// Warm both up: first connections, page faults, the store's first pages.
	send(sinkAddr, 2*sessions)
	send(p.smtp(), 2*sessions)

	pid := p.cmd.Process.Pid
	cpu0 := childCPU(b, pid)
	_, served := alternate(b, sessions,
		func(n int) float64 { return send(sinkAddr, n) },
		func(n int) float64 { return send(p.smtp(), n) })
	cpu := childCPU(b, pid) - cpu0

	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		b.Fatalf("mmsc serve: %v\n%s", err, p.stderr.String())
	}
	stored := storedMessages(b, dataDir)
	if want := b.N + 2*sessions; stored != want {
		b.Fatalf("smtp-source sent %d messages and was answered 250 for each; the store holds %d", want, stored)
	}

	b.ReportMetric(served.rate(b.N), "mmsc-msg/s")
	b.ReportMetric(served.ratio, "ratio")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "mmsc-cpu-µs/msg")
	b.Logf("%d messages of %d bytes, %d sessions: mmsc %.0f msg/s, ratio to smtp-sink per round %.2f (median %.2f), mmsc CPU per message %v",
		b.N, len(msg), sessions, served.rate(b.N), served.ratios, served.ratio, cpu/time.Duration(b.N))
}

// postfixTool is the path of one of Postfix's test programs, or skips.
func postfixTool(b *testing.B, name string) string {
	for _, dir := range []string{"", "/usr/sbin/", "/usr/lib/postfix/sbin/"} {
		if p, err := exec.LookPath(dir + name); err == nil {
			return p
		}
	}
	b.Skipf("%s not found: install Postfix (Debian: apt-get install postfix) to compare against smtp-sink", name)
	return ""
}

// freeAddr is a loopback address nobody listens on, for a child to take.
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitListening(b *testing.B, addr string) {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("nothing listens on %s", addr)
		}
	}
}

// childCPU is the user and system time process pid has used, from
// /proc/pid/stat (fields 14 and 15, in clock ticks of 10 ms).
func childCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Logf("no CPU figure: %v", err)
		return 0
	}
	// The command name, field 2, may hold spaces: count from its ')'.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// storedMessages counts the messages in a stopped node's SQLite store.
func storedMessages(b *testing.B, dataDir string) int {
	all, err := openStopped(b, dataDir).Messages(context.Background(), 1<<24)
	if err != nil {
		b.Fatal(err)
	}
	return len(all)
}
