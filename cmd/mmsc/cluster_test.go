package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// clusterLease is short so that a dead node's work comes back within a
// test; the default (5m) would not.
const clusterLease = 5 * time.Second

// clusterPublicURL is the one address handsets are given whichever node
// notifies them, as behind a load balancer: any node must serve it.
const clusterPublicURL = "http://mmsc.example.net"

// clusterNode is one "mmsc serve" of a cluster. Its name is its SMPP
// source_addr, the only way the fake SMSC (which records no connection)
// can tell which node sent a submit_sm.
type clusterNode struct {
	name string
	path string
	p    *process
}

// clusterConfig writes the configuration of node name: the shared schema,
// the shared SMSC, ports of its own (listen on port 0), and lease (0: the
// default).
func clusterConfig(t *testing.T, dsn, smscAddr, name string, lease time.Duration) string {
	t.Helper()
	leaseLine := ""
	if lease > 0 {
		leaseLine = fmt.Sprintf("lease = %q\n", lease.String())
	}
	path, _ := writeConfig(t, fmt.Sprintf(`public_url = %q
%s%s[smpp]
address = %q
system_id = "mmsc"
password = "secret"
source_addr = %q
[mm1]
local_numbers = ["+4477*"]
`, clusterPublicURL, postgresConfig(dsn), leaseLine, smscAddr, name))
	return path
}

// startCluster starts one node per name on the schema of dsn, all bound to
// smsc, with the short clusterLease, and waits until every one has its SMS
// link (a node without one leases nothing, which would hide it from the
// test).
func startCluster(t *testing.T, dsn string, smsc *smsctest.Server, names ...string) []*clusterNode {
	t.Helper()
	return startClusterLease(t, dsn, smsc, clusterLease, names...)
}

// startClusterLease is startCluster with lease (0: the default).
func startClusterLease(t *testing.T, dsn string, smsc *smsctest.Server, lease time.Duration, names ...string) []*clusterNode {
	t.Helper()
	var nodes []*clusterNode
	for _, name := range names {
		n := &clusterNode{name: name, path: clusterConfig(t, dsn, smsc.Addr(), name, lease)}
		n.p = startProcess(t, n.path)
		nodes = append(nodes, n)
	}
	waitClusterBound(t, smsc, len(names))
	return nodes
}

// allowLoopback lets the test submit from 127.0.0.1 without AUTH. Accounts
// are in the shared store: one node's configuration serves for all.
func allowLoopback(t *testing.T, n *clusterNode) {
	t.Helper()
	if _, err := mmsc(t, "", "vasp", "add", "127.0.0.1", "-config", n.path); err != nil {
		t.Fatal(err)
	}
}

func waitClusterBound(t *testing.T, smsc *smsctest.Server, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := smsc.Wait(ctx, func() bool { return smsc.Bound() >= n }); err != nil {
		t.Fatalf("%d of %d nodes bound to the SMSC: %v", smsc.Bound(), n, err)
	}
}

// stop ends the node (if it still runs) and returns how many lines it
// logged, and its warnings and errors.
func (n *clusterNode) stop() (lines int, bad []string) {
	n.p.cmd.Process.Signal(syscall.SIGKILL)
	n.p.cmd.Wait()
	all := strings.Split(strings.TrimSpace(n.p.stderr.String()), "\n")
	for _, l := range all {
		if strings.Contains(l, `"level":"ERROR"`) || strings.Contains(l, `"level":"WARN"`) {
			bad = append(bad, l)
		}
	}
	return len(all), bad
}

// logClusterNodes stops the nodes and logs what they complained of.
func logClusterNodes(t *testing.T, nodes ...*clusterNode) {
	t.Helper()
	for _, n := range nodes {
		lines, bad := n.stop()
		t.Logf("node %s logged %d lines, %d of them warnings or errors", n.name, lines, len(bad))
		for i, l := range bad {
			if i == 10 {
				t.Logf("  … %d more", len(bad)-i)
				break
			}
			t.Logf("  %s", l)
		}
	}
}

// clusterMessage is a one-recipient submission whose subject names its
// recipient, so that a notification or a retrieval can be matched to it.
func clusterMessage(number string) (msg []byte, subject string, err error) {
	subject = "cluster " + number
	msg, err = mm4.Build(mm4.ForwardRequest{
		From: "+447779998888/TYPE=PLMN@mms.example.net", To: []string{number + "/TYPE=PLMN@mms.example.net"},
		Subject: subject, Text: "payload",
	})
	return msg, subject, err
}

// clusterNotice is one m-notification-ind as the SMSC received it: the
// accepted segments one node sent one destination under one
// concatenation reference.
type clusterNotice struct {
	node  string    // the sender's source_addr
	at    time.Time // when its first segment arrived
	ref   int
	total byte
	seqs  map[byte]bool
	segs  [][]byte
	pdu   *mmsenc.PDU // nil unless every segment arrived and it decodes
}

// clusterNotices groups the accepted submit_sm by destination into
// notifications, in order of arrival, and decodes the complete ones.
// Segments are told apart by their concatenation element, not by being
// adjacent: a node's workers share its link and interleave.
func clusterNotices(t *testing.T, subs []smsctest.Submit) map[string][]*clusterNotice {
	t.Helper()
	out := map[string][]*clusterNotice{}
	for _, s := range subs {
		if s.Status != 0 {
			continue // refused or unanswered: the node will try again, not a notification
		}
		ref, total, seq, ok := concatElement(s.ShortMessage)
		if !ok {
			t.Errorf("submit_sm to %s from %s: malformed user data header % x", s.DestAddr, s.SourceAddr, s.ShortMessage)
			continue
		}
		var n *clusterNotice
		for _, c := range out[s.DestAddr] {
			if c.node == s.SourceAddr && c.ref == ref && c.total == total && !c.seqs[seq] {
				n = c
				break
			}
		}
		if n == nil {
			n = &clusterNotice{node: s.SourceAddr, at: s.At, ref: ref, total: total, seqs: map[byte]bool{}}
			out[s.DestAddr] = append(out[s.DestAddr], n)
		}
		n.seqs[seq] = true
		n.segs = append(n.segs, s.ShortMessage)
	}
	for dest, ns := range out {
		for _, n := range ns {
			if len(n.segs) != int(n.total) {
				continue
			}
			push, err := mmsenc.ReassembleSMS(n.segs)
			if err != nil {
				t.Errorf("notification to %s from %s: %v", dest, n.node, err)
				continue
			}
			_, _, _, body, err := mmsenc.ParsePush(push)
			if err != nil {
				t.Errorf("notification to %s from %s: WSP push: %v", dest, n.node, err)
				continue
			}
			if n.pdu, err = mmsenc.Decode(body); err != nil {
				t.Errorf("notification to %s from %s: %v", dest, n.node, err)
			}
		}
	}
	return out
}

// concatElement reads the concatenation element of an SMS user data
// header: reference, segment count and number; a header without one is a
// whole message in one segment.
func concatElement(ud []byte) (ref int, total, seq byte, ok bool) {
	if len(ud) == 0 || 1+int(ud[0]) > len(ud) {
		return 0, 0, 0, false
	}
	for h := ud[1 : 1+int(ud[0])]; len(h) > 0; {
		if len(h) < 2 || 2+int(h[1]) > len(h) {
			return 0, 0, 0, false
		}
		iei, d := h[0], h[2:2+int(h[1])]
		switch {
		case iei == 0x00 && len(d) == 3:
			return int(d[0]), d[1], d[2], true
		case iei == 0x08 && len(d) == 4:
			return int(d[0])<<8 | int(d[1]), d[2], d[3], true
		}
		h = h[2+len(d):]
	}
	return 0, 1, 1, true
}

// listClusterMessages is "mmsc messages -json" by message ID.
func listClusterMessages(t *testing.T, path string) map[string]admin.Message {
	t.Helper()
	out, err := mmsc(t, "", "messages", "-json", "-limit", "5000", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	ms := map[string]admin.Message{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m admin.Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		ms[m.ID] = m
	}
	return ms
}

// openClusterSchema opens the test schema itself, for what the CLI does
// not show: lease owners and expiries.
func openClusterSchema(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitClusterQuiet waits until no delivery row is queued or under a
// lease: then every attempt that will happen in the test has happened (a
// notified row is next due at its re-notification, an hour away), and
// the SMSC's record is final.
func waitClusterQuiet(t *testing.T, db *sql.DB, deadline time.Time) {
	t.Helper()
	var busy, total int
	for {
		err := db.QueryRow(`SELECT COUNT(*) FILTER (WHERE state = 'queued' OR lease_owner <> ''), COUNT(*) FROM deliveries`).Scan(&busy, &total)
		if err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			rows, err := db.Query(`SELECT address, state, attempts, lease_owner, lease_expires, last_error FROM deliveries
WHERE state = 'queued' OR lease_owner <> '' ORDER BY address LIMIT 10`)
			if err == nil {
				for rows.Next() {
					var addr, state, owner, lastErr string
					var attempts int
					var expires int64
					rows.Scan(&addr, &state, &attempts, &owner, &expires, &lastErr)
					t.Logf("still busy: %s %s attempts %d lease %q until %s error %q", addr, state, attempts, owner,
						time.UnixMilli(expires).Format(time.StampMilli), lastErr)
				}
				rows.Close()
			}
			t.Fatalf("%d of %d deliveries still queued or leased at the deadline", busy, total)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// clusterRetrieve GETs a Content-Location token from the node at httpAddr
// as the recipient's handset would, and checks it is the message.
func clusterRetrieve(client *http.Client, httpAddr, token, number string, id mms.MessageID, subject string) error {
	req, err := http.NewRequest(http.MethodGet, "http://"+httpAddr+"/mms/"+token, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-WAP-Network-Client-MSISDN", strings.TrimPrefix(number, "+"))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.wap.mms-message" {
		return fmt.Errorf("%d %q: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !bytes.Contains(body, []byte(subject)) {
		return fmt.Errorf("the body does not hold the subject %q", subject)
	}
	p, err := mmsenc.Decode(body)
	if err != nil {
		return fmt.Errorf("m-retrieve-conf: %w", err)
	}
	if p.Type != mmsenc.RetrieveConf || p.MessageID != string(id) || p.Subject != subject {
		return fmt.Errorf("m-retrieve-conf: type %v, message id %q, subject %q; want %s, %q", p.Type, p.MessageID, p.Subject, id, subject)
	}
	return nil
}

// TestClusterNothingLostNothingTwice: three nodes share one schema and one
// SMSC; submissions are spread over them, and one node is SIGKILLed
// mid-stream. Every acknowledged message must reach its recipient's SMSC
// exactly once and be retrievable from either survivor. The one duplicate
// a crash may cause is a notification the dead node had handed to the
// SMSC but not yet recorded: a survivor sends it again after the lease.
func TestClusterNothingLostNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const (
		total     = 1000
		conns     = 6 // two per node
		killAfter = 300
		victim    = 0
	)
	dsn := postgresDSN(t)
	db := openClusterSchema(t, dsn)
	smsc := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(smsc.Close) // after the nodes: their cleanups run first
	nodes := startCluster(t, dsn, smsc, "NODE0", "NODE1", "NODE2")
	allowLoopback(t, nodes[0])
	survivors := []int{1, 2}
	burst := burstAndKill(t, nodes, smsc, total, conns, killAfter, victim)
	if t.Failed() {
		return
	}
	acks, submitted, killAt, caughtDest := burst.acks, burst.submitted, burst.killedAt, burst.caught
	logBurst(t, burst, nodes, victim)

	waitClusterQuiet(t, db, submitted.Add(clusterLease+30*time.Second))
	quiet := time.Now()
	listed := listClusterMessages(t, nodes[survivors[0]].path)
	byNumber := map[string]admin.Message{}
	takenOver := 0
	for _, m := range listed {
		if len(m.Recipients) != 1 {
			t.Errorf("message %s has %d recipients, want 1", m.ID, len(m.Recipients))
			continue
		}
		byNumber[m.Recipients[0].Address] = m
		if m.Recipients[0].Attempts > 1 {
			takenOver++
		}
	}

	// Every notification at the SMSC, matched to its message by number.
	ns := clusterNotices(t, smsc.Submits())
	var resent, partial int
	notified := map[string]int{} // by node: the work spreads whichever node accepted it
	for _, list := range ns {
		for _, n := range list {
			if n.pdu != nil {
				notified[n.node]++
			}
		}
	}
	t.Logf("whole notifications by node: %v", notified)
	for dest, list := range ns {
		number := "+" + dest
		m, stored := byNumber[number]
		a, acked := acks[number]
		if !stored {
			t.Errorf("notification to %s, which no stored message is for", number)
			continue
		}
		var whole []*clusterNotice
		for _, n := range list {
			switch {
			case n.pdu != nil:
				whole = append(whole, n)
			case n.node == nodes[victim].name:
				partial++ // the victim died between segments: no handset can assemble it
			default:
				t.Errorf("%s: incomplete notification from survivor %s (%d of %d segments)", number, n.node, len(n.segs), n.total)
			}
		}
		for _, n := range whole {
			if want := clusterPublicURL + "/mms/" + m.Recipients[0].Token; n.pdu.ContentLocation != want {
				t.Errorf("%s: notification from %s points at %q, want %q", number, n.node, n.pdu.ContentLocation, want)
			}
			if acked && n.pdu.Subject != a.subject {
				t.Errorf("%s: notification subject %q, want %q", number, n.pdu.Subject, a.subject)
			}
		}
		switch {
		case len(whole) <= 1:
		case len(whole) == 2 && isCrashResend(whole[0], whole[1], nodes[victim].name, killAt):
			resent++
			t.Logf("re-sent after the crash: %s (acknowledged %v): %s at %v, then %s at %v after the kill",
				number, acked, whole[0].node, whole[0].at.Sub(killAt).Round(time.Millisecond),
				whole[1].node, whole[1].at.Sub(killAt).Round(time.Millisecond))
		default:
			for _, n := range whole {
				t.Logf("  %s: from %s at %v after the kill, transaction %s", number, n.node,
					n.at.Sub(killAt).Round(time.Millisecond), n.pdu.TransactionID)
			}
			t.Errorf("%s (acknowledged %v) was notified %d times", number, acked, len(whole))
		}
	}
	if caughtDest != "" {
		// The store never learnt of it: a survivor must have sent it again.
		if got := len(ns[caughtDest]); got != 2 {
			t.Errorf("the notification to %s the victim died sending: %d at the SMSC, want 2 (the victim's and a survivor's)", caughtDest, got)
		}
	}

	// Every acknowledged message: stored, notified once, and fetched from
	// a survivor (alternately: which node notified does not matter).
	numbers := make([]string, 0, len(acks))
	for number := range acks {
		numbers = append(numbers, number)
	}
	sort.Strings(numbers)
	var lost, notNotified int
	for _, number := range numbers {
		a := acks[number]
		m, ok := listed[string(a.id)]
		if !ok {
			lost++
			t.Errorf("acknowledged message %s to %s is not stored", a.id, number)
			continue
		}
		whole := 0
		for _, n := range ns[strings.TrimPrefix(number, "+")] {
			if n.pdu != nil {
				whole++
			}
		}
		if rc := m.Recipients[0]; whole == 0 || rc.State != "notified" || rc.Notifications != 1 {
			notNotified++
			t.Errorf("acknowledged message %s to %s: %d notifications at the SMSC, recipient %+v; want one, notified",
				a.id, number, whole, rc)
		}
	}
	fetchStart := time.Now()
	var unfetched atomic.Int64
	work := make(chan int)
	var fetchers sync.WaitGroup
	for range 4 {
		fetchers.Add(1)
		go func() {
			defer fetchers.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for k := range work {
				number := numbers[k]
				a := acks[number]
				m, ok := listed[string(a.id)]
				if !ok {
					continue // reported above
				}
				survivor := nodes[survivors[k%len(survivors)]]
				if err := clusterRetrieve(client, survivor.p.addrs["HTTP"], m.Recipients[0].Token, number, a.id, a.subject); err != nil {
					unfetched.Add(1)
					t.Errorf("GET %s (message %s) from %s: %v", m.Recipients[0].Token, a.id, survivor.name, err)
				}
			}
		}()
	}
	for k := range numbers {
		work <- k
	}
	close(work)
	fetchers.Wait()
	t.Logf("%d stored, %d taken over after the lease, %d notifications re-sent after the crash, %d left half-sent; "+
		"quiet %v after the last submission; %d retrievals in %v; %d lost, %d not notified, %d not retrievable",
		len(listed), takenOver, resent, partial, quiet.Sub(submitted).Round(time.Millisecond),
		len(numbers), time.Since(fetchStart).Round(time.Millisecond), lost, notNotified, unfetched.Load())
	logClusterNodes(t, nodes...)
}

// isCrashResend says whether first and second are the one duplicate a crash
// may cause: the victim handed the first to the SMSC and died before it
// recorded it, and a survivor sent it again once the victim's lease had
// run out, which is well after the first (the lease was taken before it).
func isCrashResend(first, second *clusterNotice, victim string, killedAt time.Time) bool {
	return first.node == victim && second.node != victim &&
		!second.at.Before(killedAt) && second.at.Sub(first.at) >= clusterLease/2 &&
		first.pdu.ContentLocation == second.pdu.ContentLocation
}

// TestClusterLeaseTakeover: a node dies while its notifications wait at the
// SMSC for an answer; another node takes those deliveries over once their
// leases run out, and not before.
func TestClusterLeaseTakeover(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	dsn := postgresDSN(t)
	db := openClusterSchema(t, dsn)
	smsc := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(smsc.Close)
	// A never hears back from the SMSC, so its attempts stay in flight,
	// under lease, until it dies; B is answered normally.
	smsc.SetHandler(func(s smsctest.Submit) uint32 {
		if s.SourceAddr == "NODEA" {
			return smsctest.NoResponse
		}
		return 0
	})
	a := startCluster(t, dsn, smsc, "NODEA")[0]
	allowLoopback(t, a)

	const n = 20
	c, err := smtp.Dial(a.p.smtp())
	if err != nil {
		t.Fatal(err)
	}
	numbers := make([]string, n)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("+44770000%04d", i)
		msg, _, err := clusterMessage(numbers[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := submitFor(c, msg, numbers[i]); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()

	// A holds every row, and the SMSC has some of its submits unanswered
	// (the link's window keeps the rest waiting inside their attempts).
	// Polled: the last leases may come after the SMSC's last event.
	expires := map[string]time.Time{}
	for deadline := time.Now().Add(20 * time.Second); len(expires) < n || len(smsc.Submits()) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("A leased %d of %d deliveries, the SMSC saw %d submits", len(expires), n, len(smsc.Submits()))
		}
		rows, err := db.Query(`SELECT address, lease_expires FROM deliveries WHERE lease_owner <> ''`)
		if err != nil {
			t.Fatal(err)
		}
		clear(expires)
		for rows.Next() {
			var addr string
			var ms int64
			if err := rows.Scan(&addr, &ms); err != nil {
				t.Fatal(err)
			}
			expires[addr] = time.UnixMilli(ms)
		}
		rows.Close()
	}
	a.p.cmd.Process.Signal(syscall.SIGKILL)
	killedAt := time.Now()
	inFlight := len(smsc.Submits())
	first, last := killedAt.Add(time.Hour), time.Time{}
	for _, e := range expires {
		if e.Before(first) {
			first = e
		}
		if e.After(last) {
			last = e
		}
	}

	b := startCluster(t, dsn, smsc, "NODEB")[0]
	if up := time.Now(); !up.Before(first) {
		t.Logf("B was only up %v after the first lease ran out: the test cannot tell an early takeover", up.Sub(first))
	}
	deadline := killedAt.Add(clusterLease + 20*time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	var ns map[string][]*clusterNotice
	err = smsc.Wait(ctx, func() bool {
		ns = clusterNotices(t, smsc.Submits())
		return len(ns) == n
	})
	if err != nil {
		t.Fatalf("%d of %d recipients notified by %v after the kill: %v", len(ns), n, deadline.Sub(killedAt), err)
	}
	waitClusterQuiet(t, db, deadline)
	ns = clusterNotices(t, smsc.Submits())

	var slowest time.Duration
	for _, number := range numbers {
		list := ns[strings.TrimPrefix(number, "+")]
		if len(list) != 1 || list[0].pdu == nil || list[0].node != b.name {
			t.Errorf("%s: %d notifications (want one whole one, from %s)", number, len(list), b.name)
			continue
		}
		at := list[0].at
		if at.Before(expires[number]) {
			t.Errorf("%s: B notified at %s, %v before A's lease ran out at %s", number, at.Format(time.StampMilli),
				expires[number].Sub(at), expires[number].Format(time.StampMilli))
		}
		slowest = max(slowest, at.Sub(expires[number]))
	}
	listed := listClusterMessages(t, b.path)
	if len(listed) != n {
		t.Errorf("%d messages stored, want %d", len(listed), n)
	}
	for _, m := range listed {
		rc := m.Recipients[0]
		// Two attempts: A's, which died with it, and B's.
		if rc.State != "notified" || rc.Notifications != 1 || rc.Attempts != 2 {
			t.Errorf("%s after the takeover: %+v; want notified once after 2 attempts", rc.Address, rc)
		}
	}
	t.Logf("A killed with %d submits unanswered at the SMSC and %d rows leased until %s…%s (%v…%v after the kill); "+
		"B notified all %d at most %v after their leases ran out",
		inFlight, len(expires), first.Format(time.StampMilli), last.Format(time.StampMilli),
		first.Sub(killedAt).Round(time.Millisecond), last.Sub(killedAt).Round(time.Millisecond), n, slowest.Round(time.Millisecond))
	logClusterNodes(t, a, b)
}
