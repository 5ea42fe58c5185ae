package smtpd_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// TestMessageAsSent: however a client cuts its message into writes, the
// store gets the message with its dot-stuffing undone (RFC 5321 §4.5.2),
// and what the client sends after the end of data is the next command.
func TestMessageAsSent(t *testing.T) {
	// The text part gains lines that start with dots, stuffed on the wire.
	seed := seedMessage(t)
	text := "Science news, new Saturn pictures...\r\n"
	want := strings.Replace(seed, text, text+".hidden\r\n..\r\n.\r\n", 1)
	stuffed := strings.Replace(seed, text, text+"..hidden\r\n...\r\n..\r\n", 1)
	if want == seed {
		t.Fatal("the seed has no text part to add lines to")
	}
	// envelope is the commands before DATA, each answered before the next,
	// on a greeted dialogue.
	envelope := func(d *dialog) {
		d.send("HELO vasp.example.com")
		d.expect("250 ")
		d.cmd("MAIL FROM:<+447779998888/TYPE=PLMN@mms.example.net>", "250 ")
		d.cmd("RCPT TO:<+447778889999@mms.example.net>", "250 ")
	}
	write := func(d *dialog, s string) {
		t.Helper()
		if _, err := d.conn.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		send func(d *dialog) // from DATA to the end of data, and what follows it
		next string          // the command sent after the message, in the same write as its end
	}{
		{"whole, after the 354", func(d *dialog) {
			d.cmd("DATA", "354 ")
			write(d, stuffed+".\r\n")
		}, ""},
		{"a byte a write", func(d *dialog) {
			d.cmd("DATA", "354 ")
			for i := range len(stuffed) {
				write(d, stuffed[i:i+1])
			}
			for _, b := range ".\r\n" {
				write(d, string(b))
			}
		}, ""},
		{"cut at every dot", func(d *dialog) {
			d.cmd("DATA", "354 ")
			for _, piece := range strings.SplitAfter(stuffed+".\r\n", ".") {
				write(d, piece)
			}
		}, ""},
		{"next command in the write that ends the message", func(d *dialog) {
			d.cmd("DATA", "354 ")
			write(d, stuffed+".\r\nNOOP\r\n")
		}, "NOOP"},
		{"message sent with DATA, not waiting for the 354", func(d *dialog) {
			write(d, "DATA\r\n"+stuffed+".\r\n")
			d.expect("354 ")
		}, ""},
	}
	for _, tr := range transports() {
		// go-smtp's own reader refuses a message of exactly its limit;
		// ours takes it (RFC 1870 §4). A byte of room keeps both alike.
		ts := tr.start(t, func(c *smtpd.Config) { c.MaxMessageBytes = int64(len(want)) + 1 })
		ts.addAccount(t, vasp.Account{Name: "127.0.0.1"}, "")
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				d := tr.open(t, ts)
				envelope(d)
				tt.send(d)
				m := acceptedRE.FindStringSubmatch(d.expect("250 Message Accepted"))
				if m == nil {
					t.Fatal("no message ID in the reply")
				}
				if tt.next != "" {
					d.expect("250 ")
				}
				got, err := ts.store.Message(context.Background(), mms.MessageID(m[1]))
				if err != nil {
					t.Fatal(err)
				}
				if string(got.Raw) != want {
					t.Errorf("stored %d bytes, want the %d sent, unstuffed; first difference at %d",
						len(got.Raw), len(want), firstDifference(string(got.Raw), want))
				}
				d.cmd("NOOP", "250 ")
			})
		}

		t.Run(tr.name+"/over the size limit", func(t *testing.T) {
			d := tr.open(t, ts)
			envelope(d)
			d.cmd("DATA", "354 ")
			before := ts.stored(t)
			write(d, stuffed+"x\r\n.\r\n")
			d.expect("552 5.3.4 ")
			d.cmd("NOOP", "250 ")
			if ts.stored(t) != before {
				t.Error("a message over the size limit was stored")
			}
		})
	}
	t.Run("timeout in the message", func(t *testing.T) {
		slow := startServer(t, func(c *smtpd.Config) { c.DataTimeout = 300 * time.Millisecond })
		slow.addAccount(t, vasp.Account{Name: "127.0.0.1"}, "")
		d := dial(t, slow.addr)
		d.expect("220 ")
		envelope(d)
		d.cmd("DATA", "354 ")
		write(d, stuffed[:100])
		d.expect("421 4.4.2 ")
		if !d.closed() {
			t.Error("the connection stayed open after the DATA timeout")
		}
	})
}

func firstDifference(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
