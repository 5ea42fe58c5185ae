package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// purger deletes what retention no longer keeps.
type purger interface {
	Purge(ctx context.Context, cutoff, now time.Time) (mms.Purged, error)
}

// purge deletes, at start and then hourly, the messages that are past
// retention and final for every recipient, and the content they used.
func purge(ctx context.Context, st purger, retain time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		now := time.Now()
		p, err := st.Purge(ctx, now.Add(-retain), now)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention: purge failed; trying again in an hour", "err", err)
		case p.Messages > 0 || p.Segments > 0:
			log.Info("retention: purged", "messages", p.Messages, "segments", p.Segments)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
