package mm4out

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// scriptedPeer is a line-by-line SMTP peer for dialogues go-smtp's server
// cannot be made to hold, such as refusing STARTTLS after offering it. It
// answers each command with answer(command), swallows DATA up to the dot,
// and records the commands.
type scriptedPeer struct {
	addr string
	mu   sync.Mutex
	cmds []string
}

func newScriptedPeer(t *testing.T, answer func(cmd string) string) *scriptedPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	sp := &scriptedPeer{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go sp.serve(c, answer)
		}
	}()
	return sp
}

func (sp *scriptedPeer) serve(c net.Conn, answer func(string) string) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 scripted.test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		sp.mu.Lock()
		sp.cmds = append(sp.cmds, cmd)
		sp.mu.Unlock()
		switch verb := strings.ToUpper(strings.Fields(cmd + " x")[0]); verb {
		case "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			say("250 2.0.0 scripted ok")
		case "QUIT":
			say("221 2.0.0 bye")
			return
		default:
			say(answer(cmd))
		}
	}
}

func (sp *scriptedPeer) commands() []string {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return append([]string(nil), sp.cmds...)
}

// ehloWithSTARTTLS offers STARTTLS, refuses it with refusal, accepts the rest.
func ehloWithSTARTTLS(refusal string) func(string) string {
	return func(cmd string) string {
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			return "250-scripted.test\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS"
		case cmd == "STARTTLS":
			return refusal
		}
		return "250 2.0.0 ok"
	}
}

func TestSTARTTLSRefusedOpportunistic(t *testing.T) {
	sp := newScriptedPeer(t, ehloWithSTARTTLS("454 4.7.0 TLS not available"))
	c := newClient(t, Config{})
	reply, err := c.Send(t.Context(), Peer{Addr: sp.addr, HELO: "mmsc.example.org"}, testMail())
	if err != nil || reply != "2.0.0 scripted ok" {
		t.Fatalf("Send = %q, %v; want the message sent in plain text", reply, err)
	}
	want := []string{"EHLO mmsc.example.org", "STARTTLS", "MAIL FROM:<" + sender + ">", "RCPT TO:<" + recipient + ">", "DATA"}
	if got := sp.commands(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("dialogue %q, want %q", got, want)
	}
}

func TestSTARTTLSRefusedRequired(t *testing.T) {
	for _, refusal := range []string{"454 4.7.0 TLS not available", "502 5.5.1 Not implemented"} {
		sp := newScriptedPeer(t, ehloWithSTARTTLS(refusal))
		c := newClient(t, Config{})
		_, err := c.Send(t.Context(), Peer{Addr: sp.addr, TLS: TLSRequired}, testMail())
		se := sendErr(t, err)
		code, _ := strconv.Atoi(refusal[:3])
		if se.Stage != StageStartTLS || !se.Temporary() || se.Code != code || se.Enhanced.String() != strings.Fields(refusal)[1] {
			t.Errorf("refusal %q: err = %v (stage %s, code %d %s, temporary %v), want temporary %d at starttls",
				refusal, err, se.Stage, se.Code, se.Enhanced, se.Temporary(), code)
		}
		for _, cmd := range sp.commands() {
			if strings.HasPrefix(cmd, "MAIL") {
				t.Errorf("refusal %q: MAIL sent without TLS", refusal)
			}
		}
	}
}
