package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// millis stores a time as Unix milliseconds, the zero time as 0, so that
// "unset" needs no NULL handling and sorts before every real time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis undoes millis, in UTC so that loaded values compare equal
// whatever the process's time zone.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// flag stores a bool as 0/1: SQLite has no boolean type and pgx will not
// bind a Go bool to an integer column.
func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// A report flag (delivery_report, read_reply) is 0 when the originator did
// not ask, 1 when it asked, and askedNowhere when it asked but has nowhere
// to take reports (mms.Message.ReportsNowhere): the statements that queue
// reports take only 1, so none is written.
const askedNowhere = 2

func asked(b, nowhere bool) int64 {
	if b && nowhere {
		return askedNowhere
	}
	return flag(b)
}

// list stores header address lists as JSON: a decoded display name may
// contain any character, including the newline a joined list would split on.
func list(l []string) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func fromList(s string) ([]string, error) {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("address list %q: %w", s, err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	return l, nil
}

// bytesOrNil gives nil for an empty slice, so a loaded message does not
// depend on how the driver returns an empty BLOB.
func bytesOrNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// notNull is b as a column value that is never NULL: database/sql sends a
// nil slice as NULL, which the NOT NULL byte columns refuse on PostgreSQL
// (SQLite stores an empty BLOB).
func notNull(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// serviceColumn is a message's service as stored: JSON, or "" for none,
// which is every message that came by no VASP's service.
func serviceColumn(s mms.Service) (string, error) {
	if s == (mms.Service{}) {
		return "", nil
	}
	b, err := json.Marshal(s)
	return string(b), err
}

func fromService(s string) (mms.Service, error) {
	var v mms.Service
	if s == "" {
		return v, nil
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return v, fmt.Errorf("service: %w", err)
	}
	return v, nil
}
