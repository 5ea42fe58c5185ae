package vasp

import (
	"crypto/sha256"
	"sync"
	"time"
)

// CheckedPasswords remembers passwords bcrypt has accepted, so that a
// client that logs in with every request (MM7's HTTP Basic) costs one
// bcrypt now and then instead of one per request: bcrypt's ~50 ms would
// cap a VASP at a few dozen messages a second. An entry holds only a
// SHA-256 of the name and password, counts only while the account still has
// the hash it was checked against (a new password ends it at once), and
// lasts TTL.
type CheckedPasswords struct {
	ttl   time.Duration
	now   func() time.Time
	check func(Account, string) error // bcrypt's verdict: Account.CheckPassword

	mu sync.Mutex
	m  map[[sha256.Size]byte]checked
}

type checked struct {
	hash  string // the account's bcrypt hash when the password was checked
	until time.Time
}

// maxChecked bounds the memory of the cache; past it, it starts afresh.
const maxChecked = 10000

// NewCheckedPasswords remembers a checked password for ttl. now nil means
// time.Now.
func NewCheckedPasswords(ttl time.Duration, now func() time.Time) *CheckedPasswords {
	if now == nil {
		now = time.Now
	}
	return &CheckedPasswords{ttl: ttl, now: now, check: Account.CheckPassword, m: map[[sha256.Size]byte]checked{}}
}

// Check is a.CheckPassword(password), answered from memory when bcrypt
// accepted the same password for the same hash within the TTL.
func (c *CheckedPasswords) Check(a Account, password string) error {
	if c.Known(a, password) {
		return nil
	}
	if err := c.check(a, password); err != nil {
		return err
	}
	key, now := checkedKey(a, password), c.now()
	c.mu.Lock()
	if len(c.m) >= maxChecked {
		c.m = map[[sha256.Size]byte]checked{}
	}
	c.m[key] = checked{hash: a.PasswordHash, until: now.Add(c.ttl)}
	c.mu.Unlock()
	return nil
}

// Known reports whether bcrypt accepted password for a, with the hash a
// has now, within the TTL. It never runs bcrypt.
func (c *CheckedPasswords) Known(a Account, password string) bool {
	c.mu.Lock()
	e, ok := c.m[checkedKey(a, password)]
	c.mu.Unlock()
	return ok && e.hash == a.PasswordHash && c.now().Before(e.until)
}

func checkedKey(a Account, password string) [sha256.Size]byte {
	return sha256.Sum256([]byte(a.Name + "\x00" + password))
}
