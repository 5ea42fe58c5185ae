package mm7out

import (
	"context"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// reporter is what sends an originator what it is owed (the delivery
// engine's Reporter).
type reporter interface {
	Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error
}

// PreferMM7 answers VASPs that submitted over another interface (MM4): a
// report goes to the account's MM7 URL when it has one, in MM7 as its
// software expects, else by other; what was written at acceptance (an
// MM4_forward.RES) always goes by other, in the form it was written in.
type PreferMM7 struct {
	mm7   *Reporter
	other reporter
}

// NewPreferMM7 returns a reporter that prefers mm7 for reports.
func NewPreferMM7(mm7 *Reporter, other reporter) *PreferMM7 {
	return &PreferMM7{mm7: mm7, other: other}
}

// Report sends mail, owed to the originator of m.
func (p *PreferMM7) Report(ctx context.Context, m *mms.Message, mail mms.OutboxMail, now time.Time) error {
	if mail.Report.Kind != "" {
		acct, err := p.mm7.accounts.Account(ctx, mail.VASP)
		if err == nil && acct.MM7URL != "" {
			return p.mm7.Report(ctx, m, mail, now)
		}
	}
	return p.other.Report(ctx, m, mail, now)
}
