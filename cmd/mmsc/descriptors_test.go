package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestListenerCaps(t *testing.T) {
	tests := []struct {
		name               string
		limit              uint64
		smtp, http         int
		wantSMTP, wantHTTP int
		wantFit            bool
	}{
		{"unknown limit", 0, 1000, 1000, 1000, 1000, true},
		{"room to spare", 20000, 1000, 1000, 1000, 1000, true},
		{"a tenth is kept back above 2,560", 3000, 2000, 2000, 1350, 1350, false},
		{"1024: 256 kept back, the rest shared in proportion", 1024, 1000, 1000, 384, 384, false},
		{"proportion follows the configuration", 1024, 300, 900, 192, 576, false},
		{"no room at all", 200, 1000, 1000, 1, 1, false},
		{"the defaults fit 12,222 (a hard limit of 12,223: Go runs one below it)", 12222, 10000, 1000, 10000, 1000, true},
		{"... and not 12,221", 12221, 10000, 1000, 9999, 1000, false},
		{"the defaults under 1,024", 1024, 10000, 1000, 698, 70, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, h, fit := listenerCaps(tt.limit, tt.smtp, tt.http)
			if s != tt.wantSMTP || h != tt.wantHTTP || fit != tt.wantFit {
				t.Errorf("listenerCaps(%d, %d, %d) = %d, %d, %v; want %d, %d, %v", tt.limit, tt.smtp, tt.http, s, h, fit, tt.wantSMTP, tt.wantHTTP, tt.wantFit)
			}
			if reserve := max(descriptorReserve, tt.limit/10); tt.limit > reserve && uint64(s+h) > tt.limit-reserve {
				t.Errorf("%d + %d connections leave fewer than the reserve of a %d limit", s, h, tt.limit)
			}
		})
	}
}

// mmsc serve started with a low soft open-file limit runs with the hard
// one, so that the listeners' caps are not lowered for a limit the
// operator can lift. Go's runtime raises it at start (to one below the hard
// limit, to tell its own change from another's); this holds it to that.
func TestServeRaisesOpenFileLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	if _, err := os.Stat("/proc/self/limits"); err != nil {
		t.Skip("needs /proc/PID/limits (Linux) to read the server's limit")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh to lower the server's soft open-file limit")
	}
	if descriptorLimit() <= 1024 {
		t.Skipf("the hard open-file limit is %d: nothing to raise 1,024 to (raise ulimit -Hn)", descriptorLimit())
	}
	path, _ := writeConfig(t, "")
	p := startServe(t, exec.Command("sh", "-c", `ulimit -Sn 1024 && exec "$0" serve -config "$1"`, os.Args[0], path))
	limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(limits), "\n") {
		if f := strings.Fields(l); strings.HasPrefix(l, "Max open files") && len(f) >= 5 {
			soft, _ := strconv.Atoi(f[3])
			if hard, _ := strconv.Atoi(f[4]); soft < hard-1 {
				t.Errorf("mmsc serve runs with soft limit %s, hard %s; want the hard one", f[3], f[4])
			}
			if log := p.stderr.String(); strings.Contains(log, "caps lowered") {
				t.Errorf("caps lowered under soft limit 1,024 raised to %s:\n%s", f[3], tail(log, 2000))
			}
			return
		}
	}
	t.Fatalf("no open-file limit in /proc/%d/limits:\n%s", p.cmd.Process.Pid, limits)
}
