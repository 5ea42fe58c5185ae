package vasp

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Directory finds accounts; mms.ErrNotFound when there is none.
type Directory interface {
	Account(ctx context.Context, name string) (Account, error)
}

// Pacer spreads the delivery of a VASP's messages at its MaxRate, over
// every interface it submits by: each message is given the next free slot,
// 1/MaxRate after the last one's, and is accepted and stored at once, so
// that a VASP over its rate is queued rather than refused. Slots are kept
// per node: a cluster of n nodes delivers up to n times the rate.
type Pacer struct {
	dir Directory

	mu   sync.Mutex
	next map[string]time.Time // the account's next free slot
}

// NewPacer paces the accounts of dir. Their rates are read through a
// Cache, so that a rate set with the CLI applies within DefaultCacheTTL.
func NewPacer(dir Directory) *Pacer {
	if _, ok := dir.(*Cache); !ok {
		dir = NewCache(dir, DefaultCacheTTL, nil)
	}
	return &Pacer{dir: dir, next: map[string]time.Time{}}
}

// NotBefore is when a message from account, accepted at now, may first be
// delivered: now for an account without a rate (or unknown), else its
// next slot.
func (p *Pacer) NotBefore(ctx context.Context, account string, now time.Time) (time.Time, error) {
	rate, err := p.rate(ctx, account)
	if err != nil || rate <= 0 {
		return now, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	slot := p.next[account]
	if slot.Before(now) {
		slot = now
	}
	p.next[account] = slot.Add(time.Second / time.Duration(rate))
	return slot, nil
}

func (p *Pacer) rate(ctx context.Context, account string) (int, error) {
	a, err := p.dir.Account(ctx, account)
	if errors.Is(err, mms.ErrNotFound) {
		return 0, nil
	}
	return a.MaxRate, err
}
