package relay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/route"
)

// routeTTL is how long a routing table read from the store is used: a
// route added with the CLI takes effect within it, and a busy ingress
// reads the table a few times a second at most, not once per message.
const routeTTL = 2 * time.Second

type routeCache struct {
	src Routes
	now func() time.Time

	mu      sync.Mutex
	table   route.Table
	expires time.Time
}

func (c *routeCache) get(ctx context.Context) (route.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.now(); now.Before(c.expires) {
		return c.table, nil
	}
	t, err := c.src.Routes(ctx)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	c.table, c.expires = t, c.now().Add(routeTTL)
	return t, nil
}
