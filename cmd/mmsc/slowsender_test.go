package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestSlowSenderSlowsNoOne: a client trickling its message at 10 bytes a
// second holds its own session and nothing else. While it is in the middle
// of its DATA, fast clients submit their messages to the end, every one
// stored; then the slow one finishes and its message is taken too.
func TestSlowSenderSlowsNoOne(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const fast, each = 4, 10
	msg := benchMessage(t)
	path, _ := writeConfig(t, "")
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", path); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, path)

	// The slow one: a byte every 100 ms once DATA has begun, until told
	// to finish.
	slow, err := net.Dial("tcp", p.smtp())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.SetDeadline(time.Now().Add(5 * time.Minute))
	r := bufio.NewReader(slow)
	expect := func(send, want string) {
		t.Helper()
		if send != "" {
			fmt.Fprintf(slow, "%s\r\n", send)
		}
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("slow client, after %q: %v", send, err)
			}
			if len(l) >= 4 && l[3] == '-' {
				continue
			}
			if !strings.HasPrefix(l, want) {
				t.Fatalf("slow client: %q answered %q, want %s", send, l, want)
			}
			return
		}
	}
	expect("", "220 ")
	expect("EHLO slow.example.com", "250 ")
	expect("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	expect("RCPT TO:<+447778889999/TYPE=PLMN@mms.example.net>", "250 ")
	expect("DATA", "354 ")
	var trickled atomic.Int64
	finish := make(chan struct{})
	trickling := make(chan struct{})
	go func() {
		defer close(trickling)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-finish:
				return
			case <-tick.C:
				if _, err := slow.Write(msg[trickled.Load() : trickled.Load()+1]); err != nil {
					return
				}
				trickled.Add(1)
			}
		}
	}()
	for trickled.Load() < 5 {
		time.Sleep(50 * time.Millisecond)
	}

	// The fast ones, while it trickles.
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, fast)
	for range fast {
		wg.Go(func() {
			c, err := smtp.Dial(p.smtp())
			if err != nil {
				errs <- err
				return
			}
			defer c.Quit()
			for range each {
				if _, err := submitOne(c, msg); err != nil {
					errs <- err
					return
				}
				done.Add(1)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the fast clients submitted %d of %d messages in 2 minutes while one trickled %d bytes", done.Load(), fast*each, trickled.Load())
	}
	close(errs)
	for err := range errs {
		t.Errorf("fast client: %v", err)
	}
	select {
	case <-trickling:
		t.Fatal("the slow client stopped trickling before the fast ones were done")
	default:
	}
	t.Logf("%d messages submitted while one client trickled %d bytes of its DATA", done.Load(), trickled.Load())

	// Now the slow one ends its message, and it is taken like the others.
	close(finish)
	<-trickling
	if _, err := slow.Write(append(msg[trickled.Load():], ".\r\n"...)); err != nil {
		t.Fatal(err)
	}
	expect("", "250 Message Accepted")
	out, err := mmsc(t, "", "messages", "-limit", "100", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "+447779998888"); n != fast*each+1 {
		t.Errorf("%d messages stored, want %d:\n%s", n, fast*each+1, out)
	}
}
