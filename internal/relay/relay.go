package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Store keeps accepted messages. Accept stores the message, its parts and
// one delivery row per recipient in one transaction, and returns only once
// that is synced to disk.
type Store interface {
	Accept(ctx context.Context, m *mms.Message) error
}

// Relay accepts messages for delivery.
type Relay struct {
	store Store
	now   func() time.Time
}

// New returns a Relay that stores through store and reads time from now.
func New(store Store, now func() time.Time) *Relay {
	if now == nil {
		now = time.Now
	}
	return &Relay{store: store, now: now}
}

// Submit routes every recipient of m, gives m its ID and receipt time, and
// stores it. When it returns nil the message is durable.
func (r *Relay) Submit(ctx context.Context, m *mms.Message) (mms.MessageID, error) {
	if len(m.Recipients) == 0 {
		return "", mms.Permanent(errors.New("relay: message has no recipients"))
	}
	m.Received = r.now()
	m.ID = mms.NewMessageID(m.Received)
	for i := range m.Recipients {
		m.Recipients[i].Route = route(m.Recipients[i])
	}
	if err := r.store.Accept(ctx, m); err != nil {
		return "", fmt.Errorf("relay: accept %s: %w", m.ID, err)
	}
	return m.ID, nil
}

// route keeps a route the sender chose by address form and sends the rest
// to local handsets.
func route(rc mms.Recipient) mms.Route {
	if rc.Route != "" {
		return rc.Route
	}
	return mms.RouteMM1
}
