package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// TestPurge: past retention, a message whose recipients are all final goes
// with its content; one with work left, or still within retention, stays
// readable.
func TestPurge(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) { testPurge(t, bk) })
}

func testPurge(t *testing.T, bk backend) {
	dir := bk.fresh(t)
	s := bk.open(t, dir)
	log, _ := s.content.(*contentLog)
	if log != nil {
		log.limit = 1 // every write starts a segment
	}
	ctx := context.Background()

	done := fullMessage(testID(), t0)                        // recipients made final below
	pending := fullMessage(testID(), t0)                     // a recipient still queued
	recent := fullMessage(testID(), t0.Add(20*24*time.Hour)) // within retention
	done.DeliveryReport = false                              // else its reports would be owed, and keep it
	for _, m := range []*mms.Message{done, pending, recent} {
		if err := s.Accept(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := s.Messages(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sum {
		if m.ID != done.ID {
			continue
		}
		for _, d := range m.Recipients {
			if _, err := s.Answer(ctx, d.ID, mms.StateRetrieved, t0, "", t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	segments := func() int {
		names, _ := filepath.Glob(filepath.Join(dir, contentDir, "*.seg"))
		return len(names)
	}
	before := segments()

	// Segments written within the hour are kept whatever they hold.
	p, err := s.Purge(ctx, t0.Add(24*time.Hour), time.Now())
	if err != nil || p.Messages != 1 || p.Segments != 0 {
		t.Fatalf("Purge = %+v, %v; want 1 message and no segment yet", p, err)
	}
	if _, err := s.Message(ctx, done.ID); !errors.Is(err, mms.ErrNotFound) {
		t.Errorf("purged message: %v, want mms.ErrNotFound", err)
	}
	if _, err := s.DeliveryByToken(ctx, done.Recipients[0].Token); !errors.Is(err, mms.ErrNotFound) {
		t.Errorf("purged message's token: %v, want mms.ErrNotFound", err)
	}
	p, err = s.Purge(ctx, t0.Add(24*time.Hour), time.Now().Add(2*time.Hour))
	switch {
	case s.content == nil: // content inline: it went with its rows
		if err != nil || p != (mms.Purged{}) {
			t.Fatalf("second Purge = %+v, %v; want nothing more to do", p, err)
		}
	case err != nil || p.Messages != 0 || p.Segments != 1 || segments() != before-1:
		t.Fatalf("second Purge = %+v, %v, %d of %d segments left; want the purged message's segment gone", p, err, segments(), before)
	}
	for _, m := range []*mms.Message{pending, recent} {
		got, err := s.Message(ctx, m.ID)
		if err != nil || len(got.Parts) != len(m.Parts) || string(got.Raw) != string(m.Raw) {
			t.Errorf("kept message %s: %v", m.ID, err)
		}
	}
	// The newest segment is never swept, even when nothing refers to it.
	if s.content == nil {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, contentDir, segmentName(log.seg))); err != nil {
		t.Errorf("newest segment: %v", err)
	}
}
