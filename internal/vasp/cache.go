package vasp

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Cache is a Directory that remembers each account it read, and each name
// it found no account for, for a TTL: what the accept path asks of an
// account per message (its rate, whether it has a report endpoint) would
// otherwise be a read of the store per message. A change made with the CLI
// or the admin API applies within the TTL.
type Cache struct {
	dir Directory
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[string]cached
}

type cached struct {
	a     Account
	err   error // nil or mms.ErrNotFound
	until time.Time
}

// DefaultCacheTTL is how long a Cache keeps an account.
const DefaultCacheTTL = 2 * time.Second

// NewCache caches dir's accounts for ttl. now nil means time.Now.
func NewCache(dir Directory, ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{dir: dir, ttl: ttl, now: now, m: map[string]cached{}}
}

// Account is dir's account name, or mms.ErrNotFound, as read within the
// TTL. Other errors are not remembered.
func (c *Cache) Account(ctx context.Context, name string) (Account, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[name]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.a, e.err
	}
	a, err := c.dir.Account(ctx, name)
	if err != nil && !errors.Is(err, mms.ErrNotFound) {
		return Account{}, err
	}
	c.mu.Lock()
	if len(c.m) >= maxChecked {
		c.m = map[string]cached{} // names come from outside: bound the memory
	}
	c.m[name] = cached{a: a, err: err, until: now.Add(c.ttl)}
	c.mu.Unlock()
	return a, err
}
