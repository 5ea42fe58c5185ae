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
	Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error)
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
		if _, err := p.mm7.endpoint(ctx, mail.VASP); err == nil {
			return p.mm7.Report(ctx, m, mail, now)
		}
	}
	return p.other.Report(ctx, m, mail, now)
}

// Reaches says whether what m's originator is owed can go anywhere: a
// report to its MM7 URL or by other, a response by other only.
func (p *PreferMM7) Reaches(ctx context.Context, m *mms.Message, report bool) (bool, error) {
	if report {
		if ok, err := p.mm7.Reaches(ctx, m, true); ok || err != nil {
			return ok, err
		}
	}
	return p.other.Reaches(ctx, m, report)
}
