package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
	"github.com/mmsc-project/mmsc/internal/store"
)

// cdrSection is the configuration that writes CDRs into dir.
func cdrSection(dir string) string { return fmt.Sprintf("[cdr]\npath = %q\n", dir) }

// cdrLines reads every line of every CDR file in dir, as JSON objects,
// failing the test on a line that is not one.
func cdrLines(t *testing.T, dir string) []map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "cdr-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var l []map[string]any
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Errorf("%s ends in a partial line", f)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec["cdr_id"] == nil {
				t.Errorf("%s: malformed line %q: %v", f, sc.Text(), err)
				continue
			}
			l = append(l, rec)
		}
	}
	return l
}

// byRecipient sorts CDR lines by recipient: the order they are written in
// is the writer's.
func byRecipient(l []map[string]any) []map[string]any {
	slices.SortFunc(l, func(a, b map[string]any) int { return strings.Compare(a["to"].(string), b["to"].(string)) })
	return l
}

// storeOf opens the store of the configuration at path beside a running
// server, as the CLI does.
func storeOf(t *testing.T, path string) *store.Store {
	t.Helper()
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cfg.openStore(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// finalRecipients lists the CDR IDs every final recipient in st owes, and
// how many recipients are still under way.
func finalRecipients(t *testing.T, st *store.Store) (ids map[string]bool, pending int) {
	t.Helper()
	l, err := st.Messages(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string]bool{}
	for _, m := range l {
		for _, d := range m.Recipients {
			if !d.State.Final() {
				pending++
				continue
			}
			ids[string(m.ID)+"/"+strconv.FormatInt(d.ID, 10)] = true
		}
	}
	return ids, pending
}

// TestCDRConfig: check-config says what is wrong with cdr.path.
func TestCDRConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	for _, tt := range []struct {
		name, section, want string // want: in the output; "" for none
	}{
		{"off", `[cdr]` + "\n" + `path = ""`, ""},
		{"a directory to create", cdrSection(filepath.Join(dir, "new", "cdr")), ""},
		{"a directory that exists", cdrSection(dir), ""},
		{"a file", cdrSection(file), "is not a directory"},
		{"under a file", cdrSection(filepath.Join(file, "cdr")), "cdr.path: stat"},
		{"blank", cdrSection("  "), "is blank"},
		{"a misspelt key", "[cdr]\npaht = \"x\"", `unknown key "cdr.paht"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := writeConfig(t, tt.section)
			out, err := mmsc(t, "", "check-config", "-config", path)
			if tt.want == "" {
				if err != nil || !strings.Contains(out, ": ok;") {
					t.Errorf("check-config: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("check-config: %v, output lacks %q:\n%s", err, tt.want, out)
			}
		})
	}
}

// TestCDRAfterDelivery: a message delivered through the whole server, to
// a handset that fetches it and to a number no route takes, leaves one
// CDR line per recipient, with every field as the store has it, and none
// twice when the server stops.
func TestCDRAfterDelivery(t *testing.T) {
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	cdrDir := filepath.Join(t.TempDir(), "cdr")
	path := deliveryConfig(t, smsc.Addr(), cdrSection(cdrDir))
	var want []map[string]any
	// Cleanups run last first: this one after the server's last flush.
	t.Cleanup(func() {
		if got := byRecipient(cdrLines(t, cdrDir)); want != nil && !reflect.DeepEqual(got, want) {
			t.Errorf("CDRs once the server stopped:\n got %v\nwant %v", got, want)
		}
	})
	addrs := serveInProcess(t, path)

	msg, err := mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{"+447778889999/TYPE=PLMN@mms.example.net"},
		Subject: "Saturn", Text: "new pictures",
	})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999/TYPE=PLMN@mms.example.net", "+15550100/TYPE=PLMN@mms.example.net")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n := waitNotification(t, ctx, smsc, "447778889999")
	req, _ := http.NewRequest(http.MethodGet, fetchURL(t, addrs["HTTP"], n.ContentLocation), nil)
	req.Header.Set("X-MSISDN", "447778889999")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the message: %v, %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitRecipient(t, path, id, 0, func(r admin.Recipient) bool { return r.State == "retrieved" })

	var got []map[string]any
	for deadline := time.Now().Add(10 * time.Second); len(got) < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got = byRecipient(cdrLines(t, cdrDir))
	}
	if len(got) != 2 {
		t.Fatalf("%d CDR lines, want 2: %v", len(got), got)
	}
	var listed admin.Message
	out, err := mmsc(t, "", "messages", "-json", "-config", path)
	if err != nil || json.Unmarshal([]byte(out), &listed) != nil {
		t.Fatalf("messages -json: %v\n%s", err, out)
	}
	rows, _ := finalRecipients(t, storeOf(t, path))
	stamp := func(at time.Time) string { return at.UTC().Format("2006-01-02T15:04:05.000Z") }
	accepted := stamp(listed.Received)
	common := map[string]any{"message_id": string(id), "interface_in": "mm4", "account": "127.0.0.1",
		"from": "+447779998888", "size": float64(listed.Size), "service_code": "", "linked_id": "",
		"accepted_at": accepted}
	line := func(fields map[string]any) map[string]any {
		for k, v := range common {
			fields[k] = v
		}
		if !rows[fields["cdr_id"].(string)] {
			t.Errorf("cdr_id %v names no final recipient of the store (%v)", fields["cdr_id"], rows)
		}
		return fields
	}
	// The recipient ended when its row last changed: the fetch, or the
	// release of the notification's attempt when the fetch came first
	// (the handset here is quick). Each write reads the clock before it
	// waits for its batch, so the push may be recorded a few milliseconds
	// "after" the fetch it raced.
	ended := stamp(listed.Recipients[0].Updated)
	notified, _ := got[1]["first_notified_at"].(string)
	if at, err := time.Parse(time.RFC3339, notified); err != nil || at.Before(listed.Received) || at.After(listed.Recipients[0].Updated.Add(time.Second)) {
		t.Errorf("first_notified_at %q (%v), want between the accept (%s) and the end (%s)", notified, err, accepted, ended)
	}
	want = []map[string]any{
		line(map[string]any{"cdr_id": got[0]["cdr_id"], "to": "+15550100", "interface_out": "none", "route": "none",
			"final_at": accepted, "state": "failed", "attempts": 0.0, "notifications": 0.0}),
		line(map[string]any{"cdr_id": got[1]["cdr_id"], "to": "+447778889999", "interface_out": "mm1", "route": "mm1",
			"first_notified_at": notified, "final_at": ended, "state": "retrieved",
			"attempts": 1.0, "notifications": 1.0}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CDR lines:\n got %v\nwant %v", got, want)
	}
}

// TestCDRsSurviveKill submits messages whose recipients end at once (one
// refused by the SMSC, one that no route takes) from several connections,
// SIGKILLs the server mid-stream, restarts it, and checks that every
// recipient that ended has its CDR line, at least once, and that every
// line in the files is a whole record of one of them.
func TestCDRsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	smsc := smsctest.NewServer("mmsc", "secret")
	defer smsc.Close()
	smsc.SetHandler(func(s smsctest.Submit) uint32 { return 0x0B }) // ESME_RINVDSTADR: the recipient fails
	cdrDir := filepath.Join(t.TempDir(), "cdr")
	// A short lease: recipients the killed server was attempting are taken
	// over soon after the restart.
	path := deliveryConfig(t, smsc.Addr(), "[store]\nlease = \"2s\"\n", cdrSection(cdrDir))
	p := startProcess(t, path)
	const killAt = 300
	acked := 0
	submitUntilKilled(t, p, killAt, func(g, i int) mm4.ForwardRequest {
		return mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
			To: []string{"+447778880002/TYPE=PLMN@mms.example.net"}, Subject: fmt.Sprintf("kill %d/%d", g, i), Text: "x"}
	}, func(mms.MessageID, []byte) { acked++ }, "+447778880002", "+15550100")
	before := len(cdrLines(t, cdrDir))

	p2 := startProcess(t, path)
	st := storeOf(t, path)
	var owed map[string]bool
	var pending int
	missing := func() []string {
		written := map[string]bool{}
		for _, l := range cdrLines(t, cdrDir) {
			written[l["cdr_id"].(string)] = true
		}
		var l []string
		for id := range owed {
			if !written[id] {
				l = append(l, id)
			}
		}
		slices.Sort(l)
		return l
	}
	deadline := time.Now().Add(time.Minute)
	for {
		owed, pending = finalRecipients(t, st)
		if pending == 0 && len(missing()) == 0 {
			break
		}
		if time.Now().After(deadline) {
			l := missing()
			t.Fatalf("a minute after the restart: %d recipients under way, %d of %d without a CDR, e.g. %v\n%s",
				pending, len(l), len(owed), l[:min(3, len(l))], tail(p2.stderr.String(), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	p2.cmd.Process.Signal(syscall.SIGTERM)
	p2.cmd.Wait()

	lines := cdrLines(t, cdrDir)
	seen := map[string]int{}
	for _, l := range lines {
		id := l["cdr_id"].(string)
		seen[id]++
		if !owed[id] {
			t.Errorf("CDR %v names no recipient that ended", l)
		}
		if l["state"] != "failed" || l["final_at"] == nil || l["accepted_at"] == nil {
			t.Errorf("CDR %v: want a failed recipient with its times", l)
		}
	}
	twice := 0
	for _, n := range seen {
		twice += n - 1
	}
	t.Logf("%d messages acknowledged before SIGKILL; %d CDR lines then, %d after the restart for %d recipients (%d written twice)",
		acked, before, len(lines), len(owed), twice)
	if len(owed) < 2*killAt {
		t.Errorf("only %d recipients ended, want at least %d", len(owed), 2*killAt)
	}
}
