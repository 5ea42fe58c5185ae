package mm4

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

// referenceDate is parseDate as it was before it tried dateLayout first.
func referenceDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	for _, layout := range []string{"Mon Jan 2 15:04:05 2006", "Mon Jan 2 15:04:05 MST 2006", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// sameDate fails t unless parseDate and referenceDate read s alike,
// location included.
func sameDate(t *testing.T, s string) {
	t.Helper()
	got, want := parseDate(s), referenceDate(s)
	if !got.Equal(want) || got.Location().String() != want.Location().String() || got.String() != want.String() {
		t.Fatalf("parseDate(%q) = %v, want %v", s, got, want)
	}
}

var dateOddities = []string{
	"",
	"Tue, 4 Mar 2025 10:15:30 +0000",
	"Tue, 04 Mar 2025 10:15:30 +0100",
	"tue, 4 mar 2025 10:15:30 -0930",
	"Mon, 4 Mar 2025 10:15:30 +0000", // wrong day of the week
	"Tue, 4 Mar 2025 10:15:30.25 +0000",
	"Tue, 4 Mar 2025 10:15:30,25 +0000",
	"Tue, 4 Mar 25 10:15:30 +0000",
	"Tue, 4 Mar 2025 10:15 +0000",
	"Tue, 4 Mar 2025 10:15:30 GMT",
	"Tue, 4 Mar 2025 10:15:30 +0000 (UTC)",
	"Tue, 4 Mar 2025 10:15:30 +0000 (unclosed",
	"  Tue, 4 Mar 2025 10:15:30 +0000  ",
	"Tue,  4 Mar 2025 10:15:30 +0000",
	"Tue, 4 Mar 2025 10:15:30\r\n +0000",
	"4 Mar 2025 10:15:30 +0000",
	"Tue Mar  4 10:15:30 2025",
	"2025-03-04T10:15:30Z",
	"Tue, 4 Mar 2025 25:15:30 +0000",
	"Tue, 4 Mar 2025 10:15:30 +2400",
	"Tue, 4 Mar 2025 10:15:30 +00",
	"Tuesday, 4 Mar 2025 10:15:30 +0000",
	"Tue, 31 Feb 2025 10:15:30 +0000",
}

func TestParseDateMatchesReference(t *testing.T) {
	for _, s := range dateOddities {
		sameDate(t, s)
	}
	sameDate(t, now.Format(dateLayout))
	sameDate(t, now.In(time.FixedZone("", -7*3600)).Format(dateLayout))
	sameDate(t, time.Now().Format(dateLayout)) // the local zone, named
}

// FuzzParseDate: parseDate reads any value as referenceDate does.
func FuzzParseDate(f *testing.F) {
	for _, s := range dateOddities {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameDate(t, s)
	})
}
