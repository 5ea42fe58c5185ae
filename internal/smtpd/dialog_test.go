package smtpd_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// seedMessage is the MM4_forward.REQ of the NowSMS page, made whole
// (reference/nowsms-mm4-submission.md §4), with CRLF line ends.
func seedMessage(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed.eml")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")
}

var acceptedRE = regexp.MustCompile(`^250 Message Accepted <([0-9a-z]{26})>$`)

// TestSeedDialog replays the NowSMS page's dialog: the client sends exactly
// the page's commands, and the server answers with the page's codes and its
// exact AUTH LOGIN prompts.
func TestSeedDialog(t *testing.T) {
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dial(t, ts.addr)

	if g := d.expect("220 "); !strings.Contains(g, "mmsc.example.net") {
		t.Errorf("greeting %q does not name local_host", g)
	}
	d.send("EHLO vasp.example.com")
	ehlo := d.reply()
	if !strings.HasPrefix(ehlo[0], "250-") || len(ehlo) < 2 {
		t.Fatalf("EHLO reply %q is not multi-line 250", ehlo)
	}
	for _, want := range []string{"AUTH LOGIN PLAIN", "SIZE 2097152", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"} {
		found := false
		for _, l := range ehlo[1:] {
			found = found || l[4:] == want
		}
		if !found {
			t.Errorf("EHLO does not advertise %q: %q", want, ehlo)
		}
	}
	for _, l := range ehlo {
		if strings.Contains(l, "STARTTLS") {
			t.Errorf("STARTTLS advertised without TLS configured: %q", l)
		}
	}
	if got := d.cmd("AUTH LOGIN", "334 "); got != "334 VXNlcm5hbWU6" {
		t.Errorf("user prompt = %q, want 334 VXNlcm5hbWU6", got)
	}
	if got := d.cmd("dGVzdA==", "334 "); got != "334 UGFzc3dvcmQ6" {
		t.Errorf("password prompt = %q, want 334 UGFzc3dvcmQ6", got)
	}
	d.cmd("dGVzdA==", "235 ")
	d.cmd("MAIL FROM: <+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("RCPT TO: <+447778889999/TYPE=PLMN@mms.example.net>", "250 ")
	d.cmd("DATA", "354 ")
	d.send(seedMessage(t) + ".")
	last := d.expect("250 ")
	m := acceptedRE.FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("end of data = %q, want %s", last, acceptedRE)
	}
	d.cmd("QUIT", "221 ")

	msg, err := ts.store.Message(context.Background(), mms.MessageID(m[1]))
	if err != nil {
		t.Fatalf("accepted message %s not in the store: %v", m[1], err)
	}
	gif, _ := base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAkQBADs=")
	checks := []struct {
		what      string
		got, want any
	}{
		{"origin", msg.Origin, mms.Origin{Interface: mms.InterfaceMM4, Account: "test"}},
		{"envelope from", msg.EnvelopeFrom, "+447779998888/TYPE=PLMN@mms.example.net"},
		{"recipients", len(msg.Recipients), 1},
		{"recipient", msg.Recipients[0].Address, "+447778889999"},
		{"route", msg.Recipients[0].Route, mms.RouteMM1},
		{"state", msg.Recipients[0].State, mms.StateQueued},
		{"transaction id", msg.TransactionID, "60755231.94578772@mmsc"},
		{"mm4 message id", msg.MM4MessageID, "148478240@mmsc.hub"},
		{"ack request", msg.AckRequest, true},
		{"originator system", msg.OriginatorSystem, "system-user@mmsc.hub"},
		{"subject", msg.Subject, "News for today"},
		{"parts", len(msg.Parts), 2},
		{"raw", string(msg.Raw), seedMessage(t)},
	}
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}
	if len(msg.Parts) == 2 {
		if got := string(msg.Parts[0].Data); got != "Science news, new Saturn pictures..." {
			t.Errorf("text part = %q", got)
		}
		if !bytes.Equal(msg.Parts[1].Data, gif) || msg.Parts[1].ContentType != "image/gif" {
			t.Errorf("image part = %s %x, want image/gif %x", msg.Parts[1].ContentType, msg.Parts[1].Data, gif)
		}
	}
}

func equal(a, b any) bool { return reflect.DeepEqual(a, b) }
