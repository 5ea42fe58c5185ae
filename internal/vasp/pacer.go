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

	mu    sync.Mutex
	rates map[string]cachedRate
	next  map[string]time.Time // the account's next free slot
}

type cachedRate struct {
	perSecond int
	until     time.Time
}

// rateTTL is how long an account's rate is used before it is read again:
// a rate set with the CLI applies within it.
const rateTTL = 2 * time.Second

// NewPacer paces the accounts of dir.
func NewPacer(dir Directory) *Pacer {
	return &Pacer{dir: dir, rates: map[string]cachedRate{}, next: map[string]time.Time{}}
}

// NotBefore is when a message from account, accepted at now, may first be
// delivered: now for an account without a rate (or unknown), else its
// next slot.
func (p *Pacer) NotBefore(ctx context.Context, account string, now time.Time) (time.Time, error) {
	rate, err := p.rate(ctx, account, now)
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

func (p *Pacer) rate(ctx context.Context, account string, now time.Time) (int, error) {
	p.mu.Lock()
	c, ok := p.rates[account]
	p.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.perSecond, nil
	}
	a, err := p.dir.Account(ctx, account)
	if errors.Is(err, mms.ErrNotFound) {
		err = nil
	}
	if err != nil {
		return 0, err
	}
	p.mu.Lock()
	p.rates[account] = cachedRate{perSecond: a.MaxRate, until: now.Add(rateTTL)}
	p.mu.Unlock()
	return a.MaxRate, nil
}
