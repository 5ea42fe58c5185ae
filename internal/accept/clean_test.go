package accept_test

import (
	"context"
	"testing"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
)

// TestAcceptStoresTextClean: a VASP's text that would rewrite an
// operator's terminal title or reorder what it shows is stored without
// those characters (the security review's "Under attack" finding), on
// every interface, since they all take this path; the IDs the sender will
// match our answers by are stored exactly as sent.
func TestAcceptStoresTextClean(t *testing.T) {
	st := storetest.SQLite(t)
	r := accept.New(st, accept.Config{})
	const (
		title = "\x1b]0;owned\x07"    // ESC ] 0 ; title BEL
		c1    = "\u009d0;owned\u009c" // the same in C1: OSC ... ST
		csi   = "\u009b2J"            // C1 CSI: clear the screen
		rlo   = "\u202e"              // RIGHT-TO-LEFT OVERRIDE
		rli   = "\u2067"              // RIGHT-TO-LEFT ISOLATE
		rlm   = "\u200f"              // RIGHT-TO-LEFT MARK, kept
	)
	m := &mms.Message{
		Origin:           mms.Origin{Interface: mms.InterfaceMM7, Account: "acme"},
		Raw:              []byte("x"),
		Recipients:       []mms.Recipient{{Address: "+447700900001"}},
		Subject:          "Hi" + title + "there" + csi + " مرحبا" + rlm + rlo + "fdp.exe",
		From:             "+447700900009" + c1 + "/TYPE=PLMN",
		Sender:           "vasp" + rli + "@example.com",
		EnvelopeFrom:     "12345" + csi,
		OriginatorSystem: "system-user" + rlo + "@mms.example.net",
		To:               []string{"+447700900001" + rlo + "/TYPE=PLMN"},
		Cc:               []string{"bob\r\n@example.com"},
		Service:          mms.Service{VASPID: "acme" + csi, VASID: rlo + "news", ServiceCode: "gold\u0085", LinkedID: "x" + c1, ChargedParty: "Sender" + rli},
		TransactionID:    "tx" + csi,
		MM4MessageID:     "id" + rlo,
		SMTPMessageID:    "mid" + c1 + "@example.com",
	}
	id, err := r.Accept(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, got, want string }{
		{"Subject", got.Subject, "Hi ]0;owned there2J مرحبا" + rlm + "fdp.exe"},
		{"From", got.From, "+4477009000090;owned/TYPE=PLMN"},
		{"Sender", got.Sender, "vasp@example.com"},
		{"EnvelopeFrom", got.EnvelopeFrom, "123452J"},
		{"OriginatorSystem", got.OriginatorSystem, "system-user@mms.example.net"},
		{"To", got.To[0], "+447700900001/TYPE=PLMN"},
		{"Cc", got.Cc[0], "bob  @example.com"},
		{"VASPID", got.Service.VASPID, "acme2J"},
		{"VASID", got.Service.VASID, "news"},
		{"ServiceCode", got.Service.ServiceCode, "gold"},
		{"LinkedID", got.Service.LinkedID, "x0;owned"},
		{"ChargedParty", got.Service.ChargedParty, "Sender"},
		// Quoted back in MM4 and MM7 answers: left as sent.
		{"TransactionID", got.TransactionID, "tx" + csi},
		{"MM4MessageID", got.MM4MessageID, "id" + rlo},
		{"SMTPMessageID", got.SMTPMessageID, "mid" + c1 + "@example.com"},
	} {
		if f.got != f.want {
			t.Errorf("stored %s %q, want %q", f.name, f.got, f.want)
		}
	}
}
