package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// clusterAck is what a client was told of one message: accepted under
// this ID, by that node.
type clusterAck struct {
	id      mms.MessageID
	subject string
	node    int
}

// clusterBurst is what a burst of submissions to a cluster, one node of
// which was SIGKILLed on the way, came to.
type clusterBurst struct {
	acks      map[string]clusterAck // by recipient number
	unacked   []string              // in flight on the victim when it died: never acknowledged
	start     time.Time
	submitted time.Time // when the last submission was answered
	killedAt  time.Time
	caught    string // the notification the victim was sending when it died ("": none)
}

// burstAndKill submits total one-recipient messages (to +4477 and the
// message's number in eight digits) over conns connections, connection g
// to nodes[g%len(nodes)], and SIGKILLs nodes[victim] once killAfter are
// acknowledged: while the SMSC holds one of the victim's notifications,
// so that the crash leaves an outcome the store never heard of (the case
// a survivor must repeat, once, after the lease), or 3 s later should the
// victim send nothing meanwhile. A client whose submission fails on the
// dead victim carries on with a survivor, as it would behind a load
// balancer. It returns once every submission is answered.
func burstAndKill(t *testing.T, nodes []*clusterNode, smsc *smsctest.Server, total, conns, killAfter, victim int) *clusterBurst {
	t.Helper()
	var survivors []int
	for i := range nodes {
		if i != victim {
			survivors = append(survivors, i)
		}
	}
	b := &clusterBurst{acks: map[string]clusterAck{}}
	var (
		mu     sync.Mutex
		armed  atomic.Bool
		killed atomic.Bool
		kill   sync.Once
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	die := func(dest string) {
		kill.Do(func() {
			killed.Store(true) // before the signal: every failure it causes sees it
			now := time.Now()
			nodes[victim].p.cmd.Process.Signal(syscall.SIGKILL)
			mu.Lock()
			b.killedAt, b.caught = now, dest
			mu.Unlock()
		})
	}
	smsc.SetHandler(func(s smsctest.Submit) uint32 {
		if s.SourceAddr == nodes[victim].name && armed.Load() {
			die(s.DestAddr)
		}
		return 0
	})
	b.start = time.Now()
	for g := range conns {
		wg.Go(func() {
			node := g % len(nodes)
			c, err := smtp.Dial(nodes[node].p.smtp())
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { c.Close() }()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				number := fmt.Sprintf("+4477%08d", i)
				msg, subject, err := clusterMessage(number)
				if err != nil {
					t.Error(err)
					return
				}
				id, err := submitFor(c, msg, number)
				if err != nil {
					if node != victim || !killed.Load() {
						t.Errorf("node %s refused %s: %v", nodes[node].name, number, err)
						return
					}
					mu.Lock()
					b.unacked = append(b.unacked, number)
					mu.Unlock()
					c.Close()
					node = survivors[g%len(survivors)]
					if c, err = smtp.Dial(nodes[node].p.smtp()); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				mu.Lock()
				b.acks[number] = clusterAck{id, subject, node}
				if len(b.acks) == killAfter {
					armed.Store(true)
					time.AfterFunc(3*time.Second, func() { die("") })
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.submitted = time.Now()
	if !killed.Load() {
		t.Fatalf("only %d acknowledged: never reached the kill point", len(b.acks))
	}
	mu.Lock() // the kill may have come from the SMSC's goroutine
	defer mu.Unlock()
	return b
}

// logBurst logs how the burst went.
func logBurst(t *testing.T, b *clusterBurst, nodes []*clusterNode, victim int) {
	t.Helper()
	perNode := make([]int, len(nodes))
	for _, a := range b.acks {
		perNode[a.node]++
	}
	t.Logf("%d acknowledged in %v (per node %v); %s killed %v in with %d submissions in flight and the notification to %q at the SMSC",
		len(b.acks), b.submitted.Sub(b.start).Round(time.Millisecond), perNode, nodes[victim].name,
		b.killedAt.Sub(b.start).Round(time.Millisecond), len(b.unacked), b.caught)
}
