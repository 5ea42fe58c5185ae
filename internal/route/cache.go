package route

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TTL is how long a Cache uses a routing table it read: a route added
// with the CLI takes effect within it, and a busy ingress reads the table
// a few times a second at most, not once per message.
const TTL = 2 * time.Second

// Source gives the current routing table (the store).
type Source interface {
	Routes(ctx context.Context) (Table, error)
}

// Cache is a routing table read from its source at most once per TTL.
type Cache struct {
	src Source
	now func() time.Time

	mu      sync.Mutex
	table   Table
	expires time.Time
}

// NewCache returns a cache over src. now nil means time.Now.
func NewCache(src Source, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{src: src, now: now}
}

// Table is the routing table, read from the source when the last read is
// older than TTL.
func (c *Cache) Table(ctx context.Context) (Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.now(); now.Before(c.expires) {
		return c.table, nil
	}
	t, err := c.src.Routes(ctx)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	c.table, c.expires = t, c.now().Add(TTL)
	return t, nil
}

// Named is the route called name; false if there is none.
func (t Table) Named(name string) (Route, bool) {
	for _, r := range t {
		if r.Name == name {
			return r, true
		}
	}
	return Route{}, false
}
