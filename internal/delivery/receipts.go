package delivery

import (
	"context"
	"log/slog"
	"time"
)

// Receipt is an SMSC's delivery receipt for a notification.
type Receipt struct {
	SMSCID string // the SMSC's ID for the SMS, as its submit answer gave it
	Stat   string // DELIVRD, UNDELIV, EXPIRED, ...
	Err    string // the network's error code
	To     string // the handset the SMS went to
}

// receipts carries SMSC delivery receipts from the SMS link, which must
// not wait for the store, to the goroutine that records them.
type receipts chan pendingReceipt

type pendingReceipt struct {
	Receipt
	tries int
}

// A receipt can overtake the record of its submit (the SMSC answers the
// submit, then the receipt, before the queue has stored the answer): one
// that matches nothing is tried again a few times.
const (
	receiptBuffer = 1024
	receiptTries  = 4
	receiptRetry  = time.Second
)

// Receipt takes an SMSC's delivery receipt. It never blocks: the SMS link
// calls it.
func (e *Engine) Receipt(r Receipt) { e.receipts.offer(pendingReceipt{Receipt: r}) }

func (q receipts) offer(p pendingReceipt) {
	select {
	case q <- p:
	default: // a flood of receipts: they are informative, the link is not
	}
}

// receiptStore records receipts.
type receiptStore interface {
	SMSReceipt(ctx context.Context, smscID, status string, now time.Time) (bool, error)
}

func (q receipts) record(ctx context.Context, st receiptStore, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-q:
			known, err := st.SMSReceipt(ctx, r.SMSCID, r.Stat, time.Now())
			if err != nil {
				if ctx.Err() == nil {
					log.Error("smpp: could not record a delivery receipt", "smsc_id", r.SMSCID, "err", err)
				}
				continue
			}
			if !known && r.tries+1 < receiptTries {
				r.tries++
				time.AfterFunc(receiptRetry, func() { q.offer(r) })
				continue
			}
			log.Info("smpp: delivery receipt", "smsc_id", r.SMSCID, "stat", r.Stat, "err", r.Err, "to", r.To, "known", known)
		}
	}
}
