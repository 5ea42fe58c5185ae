package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// takeoverWithin is how soon after a node's death its work must be done
// by the others, with the default settings (issue #25 §4). By design it is
// lease (15 s) plus the sweep (5 s) at most, and the notifications left
// then take the survivors well under a second: the 10 s between that and
// the bound absorb a noisy machine, so no further margin is allowed.
const takeoverWithin = 30 * time.Second

// TestClusterDeadNodeTakenOverInSeconds: three nodes with the default
// lease; one is SIGKILLed while 300 messages arrive, as the SMSC holds one
// of its notifications. Every acknowledged message is notified, and the
// last notification reaches the SMSC within 30 s of the kill: the dead
// node's leases, no longer renewed, run out and are taken over.
func TestClusterDeadNodeTakenOverInSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const (
		total     = 300
		conns     = 6 // two per node
		killAfter = 100
		victim    = 0
	)
	dsn := postgresDSN(t)
	db := openClusterSchema(t, dsn)
	smsc := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(smsc.Close) // after the nodes: their cleanups run first
	nodes := startClusterLease(t, dsn, smsc, 0, "NODE0", "NODE1", "NODE2")
	allowLoopback(t, nodes[0])
	b := burstAndKill(t, nodes, smsc, total, conns, killAfter, victim)
	if t.Failed() {
		return
	}
	logBurst(t, b, nodes, victim)

	// Waited for twice as long as allowed, so that a slow takeover is
	// measured rather than only refused.
	var ns map[string][]*clusterNotice
	notified := func() int {
		n := 0
		for number := range b.acks {
			for _, c := range ns[strings.TrimPrefix(number, "+")] {
				if c.pdu != nil {
					n++
					break
				}
			}
		}
		return n
	}
	ctx, cancel := context.WithDeadline(context.Background(), b.killedAt.Add(2*takeoverWithin))
	defer cancel()
	err := smsc.Wait(ctx, func() bool {
		ns = clusterNotices(t, smsc.Submits())
		return notified() == len(b.acks)
	})
	if err != nil {
		t.Errorf("%d of %d acknowledged messages notified %v after the kill: %v", notified(), len(b.acks), 2*takeoverWithin, err)
	}
	waitClusterQuiet(t, db, b.killedAt.Add(2*takeoverWithin))
	ns = clusterNotices(t, smsc.Submits())

	var last time.Time
	var resent int
	for number := range b.acks {
		var whole []*clusterNotice
		for _, c := range ns[strings.TrimPrefix(number, "+")] {
			if c.pdu != nil {
				whole = append(whole, c)
				last = latest(last, c.at)
			}
		}
		switch {
		case len(whole) == 1:
		case len(whole) == 2 && whole[0].node == nodes[victim].name && whole[0].at.Before(b.killedAt) &&
			whole[1].node != nodes[victim].name:
			// The victim's push the SMSC took as it died, never recorded:
			// the one duplicate a crash may cause.
			resent++
		default:
			t.Errorf("%s: %d whole notifications, want 1 (or the victim's unrecorded one and a survivor's)", number, len(whole))
		}
	}
	took := last.Sub(b.killedAt)
	if took > takeoverWithin {
		t.Errorf("the last notification reached the SMSC %v after the kill, want within %v", took.Round(time.Millisecond), takeoverWithin)
	}
	listed := listClusterMessages(t, nodes[1].path)
	for number, a := range b.acks {
		m, ok := listed[string(a.id)]
		if !ok {
			t.Errorf("acknowledged message %s to %s is not stored", a.id, number)
			continue
		}
		if rc := m.Recipients[0]; rc.State != "notified" || rc.Notifications != 1 {
			t.Errorf("acknowledged message %s to %s: %+v, want notified once", a.id, number, rc)
		}
	}
	t.Logf("all %d acknowledged notified; the last %v after the kill (%d re-sent after the crash)",
		len(b.acks), took.Round(time.Millisecond), resent)
	logClusterNodes(t, nodes...)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestClusterLongAttemptNotTakenOver: with the default lease, a forward
// to a peer MMSC that answers the DATA only after longer than the lease
// (and the sweep) keeps its lease, renewed by its node, short and alive:
// the other node never takes the row over, and the peer gets the message
// once.
func TestClusterLongAttemptNotTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; run without -short")
	}
	const lease = 15 * time.Second // the default, which the nodes are not told
	dsn := postgresDSN(t)
	db := openClusterSchema(t, dsn)
	smsc := smsctest.NewServer("mmsc", "secret")
	t.Cleanup(smsc.Close)
	const slow = lease + 10*time.Second // past the lease and a sweep
	peer := startPeer(t)
	peer.mu.Lock()
	peer.slow = slow
	peer.mu.Unlock()
	nodes := startClusterLease(t, dsn, smsc, 0, "NODEA", "NODEB")
	allowLoopback(t, nodes[0])
	cli(t, nodes[0].path, "route", "add", "pl", "-match", "+48*", "-host", peer.addr, "-domain", "mms.pl.example", "-tls", "none")

	msg, _, err := clusterMessage("+48600100200")
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, nodes[0].p.smtp(), msg, "+48600100200/TYPE=PLMN@mms.example.net")
	peer.wait(t, 1)
	start := time.Now()

	// The lease as the other node sees it, now and then, until the
	// attempt is recorded: always one node's, never more than a lease
	// ahead, and moved on while the attempt lasts.
	type seen struct {
		at      time.Time
		owner   string
		expires time.Time
	}
	var leases []seen
	for deadline := start.Add(slow + 20*time.Second); ; time.Sleep(time.Second) {
		var owner string
		var expires int64
		if err := db.QueryRow(`SELECT lease_owner, lease_expires FROM deliveries`).Scan(&owner, &expires); err != nil {
			t.Fatal(err)
		}
		if owner == "" {
			break
		}
		leases = append(leases, seen{time.Now(), owner, time.UnixMilli(expires)})
		if time.Now().After(deadline) {
			t.Fatalf("the forward is still leased %v after the peer got it", time.Since(start).Round(time.Second))
		}
	}
	ended := time.Now()
	if len(leases) == 0 {
		t.Fatal("the forward was never seen leased")
	}
	for _, l := range leases {
		if l.owner != leases[0].owner {
			t.Errorf("leased by %s at +%v, then by %s: taken over while its node lived", leases[0].owner,
				l.at.Sub(start).Round(time.Second), l.owner)
		}
		if ahead := l.expires.Sub(l.at); ahead > lease+time.Second {
			t.Errorf("at +%v the lease ran %v ahead; want the default %v at most", l.at.Sub(start).Round(time.Second), ahead, lease)
		}
	}
	if first, last := leases[0], leases[len(leases)-1]; !last.expires.After(first.expires.Add(lease / 2)) {
		t.Errorf("the lease ran until %s at first and until %s %v later: not renewed", first.expires.Format(time.StampMilli),
			last.expires.Format(time.StampMilli), last.at.Sub(first.at).Round(time.Second))
	}
	if took := ended.Sub(start); took < slow-2*time.Second {
		t.Errorf("the attempt was recorded %v after the peer got the message, before the peer answered (%v)", took, slow)
	}

	peer.mu.Lock()
	got := len(peer.got)
	peer.mu.Unlock()
	if got != 1 {
		t.Errorf("the peer got the message %d times, want once", got)
	}
	m := listClusterMessages(t, nodes[1].path)[string(id)]
	if len(m.Recipients) != 1 || m.Recipients[0].State != "sent" || m.Recipients[0].Attempts != 1 {
		t.Errorf("after the forward: %+v; want sent after 1 attempt", m.Recipients)
	}
	t.Logf("one attempt of %v under a lease of %v, renewed by %s from %s to %s; the peer got it %d time(s)",
		ended.Sub(start).Round(time.Millisecond), lease, leases[0].owner, leases[0].expires.Format(time.StampMilli),
		leases[len(leases)-1].expires.Format(time.StampMilli), got)
	logClusterNodes(t, nodes...)
}
