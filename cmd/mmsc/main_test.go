package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the mmsc binary: with
// MMSC_TEST_MAIN=1 it runs the command line it was given, so process-level
// tests (SIGKILL mid-stream) need no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MMSC_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mmsc runs one verb in process and returns its stdout.
func mmsc(t testing.TB, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	if err != nil && testing.Verbose() {
		t.Logf("mmsc %v: %v\nstderr: %s", args, err, errb.String())
	}
	return out.String(), err
}

// writeConfig writes a configuration on free ports in a temp dir.
func writeConfig(t testing.TB, extra string) (path, dataDir string) {
	t.Helper()
	dir := t.TempDir()
	dataDir = filepath.Join(dir, "data")
	path = filepath.Join(dir, "mmsc.toml")
	cfg := fmt.Sprintf(`data_dir = %q
mms_domain = "mms.example.net"
local_host = "mmsc.example.net"
[smtp]
listen = "127.0.0.1:0"
[admin]
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
%s`, dataDir, extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dataDir
}

var listenRE = regexp.MustCompile(`^mmsc: (.+) listening on (\S+)$`)

// process is mmsc serve in a child process.
type process struct {
	cmd    *exec.Cmd
	addrs  map[string]string
	stderr *syncBuffer // its log
}

// syncBuffer is a log written by the child's copier and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProcess runs "mmsc serve -config path" as a child and waits until it
// prints its listening addresses.
func startProcess(t testing.TB, path string) *process {
	t.Helper()
	return startServe(t, exec.Command(os.Args[0], "serve", "-config", path))
}

// startServe runs cmd, which execs "mmsc serve", as startProcess does.
func startServe(t testing.TB, cmd *exec.Cmd) *process {
	t.Helper()
	cmd.Env = append(os.Environ(), "MMSC_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, addrs: map[string]string{}, stderr: stderr}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for p.addrs["HTTP"] == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("mmsc serve exited before listening:\n%s", stderr.String())
			}
			if m := listenRE.FindStringSubmatch(l); m != nil {
				p.addrs[m[1]] = m[2]
			}
		case <-deadline:
			t.Fatalf("mmsc serve did not start:\n%s", stderr.String())
		}
	}
	return p
}

func (p *process) smtp() string { return p.addrs["SMTP (MM4)"] }
