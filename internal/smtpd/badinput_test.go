package smtpd_test

import (
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Every refusal has its exact code and changes nothing in the store.
func TestRefusals(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxMessageBytes = 64 << 10 })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	ts.addAccount(t, vasp.Account{Name: "restricted", AllowIP: "10.1.2.*,192.0.2.7"}, "secret")
	ts.addAccount(t, vasp.Account{Name: "masked", SenderMask: "+4477*"}, "secret")

	const from = "MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>"
	const rcpt = "RCPT TO:<+447778889999/TYPE=PLMN@mms.example.net>"
	cases := []struct {
		name  string
		user  string // "" = no AUTH
		pass  string
		steps [][2]string // command, expected reply prefix
	}{
		{"MAIL without AUTH", "", "", [][2]string{{from, "530 5.7.0"}}},
		{"RCPT without AUTH", "", "", [][2]string{{from, "530 5.7.0"}, {rcpt, "503 5.5.1"}}},
		{"DATA without AUTH", "", "", [][2]string{{"DATA", "503 5.5.1"}}},
		{"foreign domain", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<+447778889999/TYPE=PLMN@other.example.org>", "550 5.1.2"}}},
		{"foreign wappush domain", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<+447778889999@wappush.other.example.org>", "550 5.1.2"}}},
		{"no domain", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<+447778889999>", "5"}}},
		{"letters in number", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<+4477abc@mms.example.net>", "553 5.1.3"}}},
		{"number too short", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<12@mms.example.net>", "553 5.1.3"}}},
		{"number too long", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<+123456789012345678901@mms.example.net>", "553 5.1.3"}}},
		{"other address type", "test", "test", [][2]string{{from, "250 "}, {"RCPT TO:<10.0.0.1/TYPE=IPv4@mms.example.net>", "553 5.1.3"}}},
		{"too many recipients", "test", "test", [][2]string{{from, "250 "},
			{"RCPT TO:<+447700900001@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900002@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900003@mms.example.net>", "250 "},
			{"RCPT TO:<+447700900004@mms.example.net>", "452 4.5.3"}}},
		{"sender outside mask", "masked", "secret", [][2]string{{"MAIL FROM:<+15550001111/TYPE=PLMN@mms.example.net>", "553 5.7.1"}}},
		{"unknown command", "test", "test", [][2]string{{"FROB", "500 5.5.2"}, {"XTND now", "500 5.5.2"}, {"HELP", "502 "}}},
		{"wrong password", "", "", [][2]string{{"AUTH LOGIN " + b64("test"), "334 UGFzc3dvcmQ6"}, {b64("nope"), "535 5.7.8"}, {from, "530 5.7.0"}}},
		{"unknown account", "", "", [][2]string{{"AUTH PLAIN " + b64("\x00ghost\x00test"), "535 5.7.8"}}},
		{"login from outside allow-ip", "", "", [][2]string{{"AUTH PLAIN " + b64("\x00restricted\x00secret"), "535 5.7.8"}}},
		{"cancelled AUTH", "", "", [][2]string{{"AUTH LOGIN", "334 VXNlcm5hbWU6"}, {"*", "501 "}, {from, "530 5.7.0"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ts.stored(t)
			d := dial(t, ts.addr)
			if c.user != "" {
				d.login(c.user, c.pass)
			} else {
				d.expect("220 ")
				d.send("EHLO vasp.example.com")
				d.reply()
			}
			for _, s := range c.steps {
				d.cmd(s[0], s[1])
			}
			if n := ts.stored(t); n != before {
				t.Errorf("store went from %d to %d messages", before, n)
			}
		})
	}
}

// Refusals at the end of DATA: the message is read, judged, and not stored.
func TestDataRefusals(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxMessageBytes = 64 << 10 })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	seed := seedMessage(t)
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	cases := []struct {
		name string
		body string
		want string
		text string // must appear in the reply
	}{
		{"forward RES is not a forward request", strings.Replace(seed, "MM4_forward.REQ", "MM4_forward.RES", 1), "554 5.6.0", "MM4_forward.RES"},
		{"delivery report in odd case", strings.Replace(seed, "MM4_forward.REQ", "mm4_DELIVERY_report.req", 1), "554 5.6.0", ""},
		{"boundary never found", crlf("Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"nothere\"\n\nno parts at all\n"), "554 5.6.0", "boundary"},
		{"truncated part", strings.Replace(seed, "--StoryParts-74526-8432-2002-77645--", "", 1), "554 5.6.0", ""},
		{"undecodable base64", strings.Replace(seed, "R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAkQBADs=", "R0lGOD!!not*base64$$", 1), "554 5.6.0", "base64"},
		{"X-Mms-Message-ID that cannot be quoted back", strings.Replace(seed, `"148478240@mmsc.hub"`, `"148478240"@mmsc.hub"`, 1), "554 5.6.0", "X-Mms-Message-ID"},
		{"over max_message_size", seed[:strings.Index(seed, "\r\n\r\n")] + "\r\n\r\n" + strings.Repeat(strings.Repeat("x", 76)+"\r\n", 1000), "552 5.3.4", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ts.stored(t)
			d := dial(t, ts.addr)
			d.login("test", "test")
			d.startData()
			d.send(c.body + ".")
			got := d.expect(c.want)
			if !strings.Contains(got, c.text) {
				t.Errorf("reply %q does not say %q", got, c.text)
			}
			if n := ts.stored(t); n != before {
				t.Errorf("store went from %d to %d messages", before, n)
			}
			// The session goes on: the next message is accepted.
			d.startData()
			d.send(seed + ".")
			d.expect("250 Message Accepted")
		})
	}
}

func TestHeaderBlockLimit(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.MaxMessageBytes = 4 << 20 })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.startData()
	var b strings.Builder
	for i := 0; b.Len() < 1100<<10; i++ {
		b.WriteString("X-Filler-" + strings.Repeat("h", 10) + ": " + strings.Repeat("v", 900) + "\r\n")
	}
	b.WriteString("\r\nbody\r\n.")
	d.send(b.String())
	d.expect("554 5.6.0")
	if n := ts.stored(t); n != 0 {
		t.Errorf("stored %d messages", n)
	}
}

// A store that fails makes the VASP retry: 451 4.3.0, never a 5xx, and no
// internal error text on the wire.
func TestStoreFailureIs451(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.startData()
	ts.store.Close() // the disk goes away between RCPT and the end of DATA
	d.send(seedMessage(t) + ".")
	got := d.expect("451 4.3.0")
	for _, leak := range []string{"sql", "store", "closed", "database"} {
		if strings.Contains(strings.ToLower(got), leak) {
			t.Errorf("reply %q leaks internal detail %q", got, leak)
		}
	}
}

// Our MM4 system address takes answers from peers, not messages: a forward
// request addressed to it alone has nobody to go to.
func TestSystemAddress(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)
	d.login("test", "test")
	d.cmd("MAIL FROM:<system-user@mms.peer.example>", "250 ")
	d.cmd("RCPT TO:<System-User@mms.example.net>", "250 ")
	d.cmd("DATA", "354 ")
	d.send(seedMessage(t) + ".")
	d.expect("550 5.1.1")
	if n := ts.stored(t); n != 0 {
		t.Errorf("stored %d messages", n)
	}
	d.cmd("MAIL FROM:<system-user@mms.peer.example>", "250 ")
	d.cmd("RCPT TO:<other-user@mms.example.net>", "553 5.1.3")
}
