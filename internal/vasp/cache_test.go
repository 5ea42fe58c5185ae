package vasp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// directory counts its reads; err, if set, is its answer for every name.
type directory struct {
	accounts map[string]vasp.Account
	reads    int
	err      error
}

func (d *directory) Account(_ context.Context, name string) (vasp.Account, error) {
	d.reads++
	if d.err != nil {
		return vasp.Account{}, d.err
	}
	a, ok := d.accounts[name]
	if !ok {
		return vasp.Account{}, mms.ErrNotFound
	}
	return a, nil
}

// TestCache: an account, and the absence of one, is read once per TTL;
// temporary trouble is not remembered.
func TestCache(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	dir := &directory{accounts: map[string]vasp.Account{"acme": {Name: "acme", ReportTo: "r.acme.example:25"}}}
	c := vasp.NewCache(dir, 2*time.Second, func() time.Time { return now })
	ctx := context.Background()
	for _, step := range []struct {
		name      string
		advance   time.Duration
		fail      error
		wantErr   error
		wantReads int
	}{
		{"acme", 0, nil, nil, 1},
		{"acme", time.Second, nil, nil, 1},
		{"nobody", 0, nil, mms.ErrNotFound, 2},
		{"nobody", time.Second, nil, mms.ErrNotFound, 2},
		{"acme", time.Second, nil, nil, 3}, // the TTL is over: read again
		{"other", 0, errors.New("store down"), errors.New("store down"), 4},
		{"other", 0, nil, mms.ErrNotFound, 5}, // trouble was not remembered
	} {
		now = now.Add(step.advance)
		dir.err = step.fail
		a, err := c.Account(ctx, step.name)
		if (err == nil) != (step.wantErr == nil) || (step.wantErr == mms.ErrNotFound) != errors.Is(err, mms.ErrNotFound) {
			t.Errorf("%s: %v, want %v", step.name, err, step.wantErr)
		}
		if err == nil && a.Name != step.name {
			t.Errorf("%s: got account %q", step.name, a.Name)
		}
		if dir.reads != step.wantReads {
			t.Errorf("%s: %d reads of the directory, want %d", step.name, dir.reads, step.wantReads)
		}
	}
}
