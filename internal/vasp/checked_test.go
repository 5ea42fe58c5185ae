package vasp

import (
	"errors"
	"testing"
	"time"
)

// TestCheckedPasswords: bcrypt is asked once for a password it accepts,
// again once the TTL ends or the account's hash changes, and every time for
// one it refuses.
func TestCheckedPasswords(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewCheckedPasswords(time.Minute, func() time.Time { return now })
	asked := 0
	c.check = func(a Account, p string) error {
		asked++
		if p != "secret" {
			return errors.New("wrong password")
		}
		return nil
	}
	a := Account{Name: "news", PasswordHash: "hash-1"}
	steps := []struct {
		name     string
		acct     Account
		password string
		ok       bool
		asked    int
	}{
		{"first login", a, "secret", true, 1},
		{"again: from memory", a, "secret", true, 1},
		{"a wrong password: always asked", a, "guess", false, 2},
		{"the wrong one again", a, "guess", false, 3},
		{"another account, same password", Account{Name: "other", PasswordHash: "hash-1"}, "secret", true, 4},
		{"a new password hash", Account{Name: "news", PasswordHash: "hash-2"}, "secret", true, 5},
	}
	for _, s := range steps {
		err := c.Check(s.acct, s.password)
		if (err == nil) != s.ok || asked != s.asked {
			t.Errorf("%s: %v, bcrypt asked %d times; want ok %v, %d times", s.name, err, asked, s.ok, s.asked)
		}
	}
	now = now.Add(2 * time.Minute)
	if c.Check(Account{Name: "news", PasswordHash: "hash-2"}, "secret"); asked != 6 {
		t.Errorf("after the TTL bcrypt was asked %d times in all, want 6", asked)
	}
}
