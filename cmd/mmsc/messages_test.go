package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestMessagesEscapesWhatActs: a row stored before the accept path cleaned
// text (put straight into the store here) still cannot rewrite the
// operator's terminal title or reorder what it shows: the table escapes
// every such character visibly, -json as \u escapes that read back as
// stored (the "Under attack" finding).
func TestMessagesEscapesWhatActs(t *testing.T) {
	const (
		title = "\x1b]0;owned\x07"    // ESC ] 0 ; title BEL
		osc   = "\u009d0;owned\u009c" // the same in C1: OSC ... ST
		csi   = "\u009b2J"            // C1 CSI: clear the screen
		rlo   = "\u202e"              // RIGHT-TO-LEFT OVERRIDE
		rli   = "\u2067"              // RIGHT-TO-LEFT ISOLATE
	)
	path, _ := writeConfig(t, "")
	st, err := openStore(context.Background(), env{getenv: func(string) string { return "" }}, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	m := &mms.Message{
		ID: mms.NewMessageID(now), Received: now, Expiry: now.Add(time.Hour),
		Origin:        mms.Origin{Interface: mms.InterfaceMM4, Account: "acme" + csi},
		From:          "+447700900009" + osc + "/TYPE=PLMN",
		Subject:       "Hi" + title + "there" + rlo + "fdp.exe\tand\nmore\x9b",
		TransactionID: "tx" + rli, MM4MessageID: "id" + csi,
		Raw:        []byte("x"),
		Parts:      []mms.Part{{ContentType: "image/gif", Name: "cat" + rlo + "fig.exe", ContentID: "<a" + osc + ">", Data: []byte("GIF89a")}},
		Recipients: []mms.Recipient{{Address: "+447700900001" + rli, Route: mms.RouteMM1, State: mms.StateQueued}},
	}
	if err := st.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, err := mmsc(t, "", "messages", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexFunc(out, acts); i >= 0 {
		t.Errorf("messages prints %U raw:\n%s", []rune(out[i:])[0], out)
	}
	for _, want := range []string{`acme\u009b2J`, `+447700900009\u009d0;owned\u009c/TYPE=PLMN`,
		`Hi\u001b]0;owned\u0007there\u202efdp.exe\u0009and\u000amore\x9b`, `+447700900001\u2067(mm1:queued)`} {
		if !strings.Contains(out, want) {
			t.Errorf("messages table lacks %s:\n%s", want, out)
		}
	}

	out, err = mmsc(t, "", "messages", "-json", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexFunc(out, acts); i >= 0 {
		t.Errorf("messages -json prints %U raw:\n%s", []rune(out[i:])[0], out)
	}
	var got admin.Message
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("messages -json: %v\n%s", err, out)
	}
	// The JSON reads back as stored, but for the byte that is not UTF-8,
	// which encoding/json has always written as U+FFFD.
	if got.VASP != m.Origin.Account || got.From != m.From || got.Subject != strings.ToValidUTF8(m.Subject, "\uFFFD") ||
		got.TransactionID != m.TransactionID || got.MM4MessageID != m.MM4MessageID ||
		len(got.Parts) != 1 || got.Parts[0].Name != m.Parts[0].Name || got.Parts[0].ContentID != m.Parts[0].ContentID ||
		len(got.Recipients) != 1 || got.Recipients[0].Address != m.Recipients[0].Address {
		t.Errorf("messages -json = %+v, want the stored fields as stored", got)
	}
}
