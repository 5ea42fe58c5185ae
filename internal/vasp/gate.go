package vasp

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Gate decides password logins for every interface VASPs log in by, so
// that MM4's AUTH and MM7's HTTP Basic share one policy:
//
//   - an address that has sprayed failures over many accounts is refused;
//   - an account locked from an address (Throttle) lets through only a
//     password bcrypt accepted within CheckedTTL: its owner's clients, which
//     log in often, keep working while a guesser gets no answer at all;
//   - otherwise the password is checked, and a failure counted.
type Gate struct {
	throttle *Throttle
	checked  *CheckedPasswords
}

// CheckedTTL is how long a password bcrypt accepted is taken on trust.
const CheckedTTL = 5 * time.Minute

// ErrThrottled refuses a login without looking at its password.
var ErrThrottled = errors.New("too many failed logins")

// ErrLoginFailed is a refused login; what wraps it says why, for the log
// only: the peer learns no more than "invalid".
var ErrLoginFailed = errors.New("login failed")

// NewGate returns a gate over t (nil: no throttling). now nil means
// time.Now.
func NewGate(t *Throttle, now func() time.Time) *Gate {
	if t == nil {
		t = NewThrottle(0, 0, now)
	}
	return &Gate{throttle: t, checked: NewCheckedPasswords(CheckedTTL, now)}
}

// Login decides a login as user with password from ip. lookup reads the
// account; found false means there is none, and an error from it is
// trouble, returned as it is. A refusal is ErrThrottled or wraps
// ErrLoginFailed.
func (g *Gate) Login(ip netip.Addr, user, password string, lookup func(name string) (a Account, found bool, err error)) (Account, error) {
	if g.throttle.Sprayed(ip) {
		return Account{}, ErrThrottled
	}
	a, found, err := lookup(user)
	if err != nil {
		return Account{}, err
	}
	if g.throttle.Locked(ip, user) {
		if found && g.checked.Known(a, password) && a.MayConnectFrom(ip) {
			return a, nil
		}
		return Account{}, ErrThrottled
	}
	reason := "no such account"
	if found {
		err := a.Admit(password, ip, g.checked)
		if err == nil {
			return a, nil
		}
		reason = err.Error()
	}
	return Account{}, g.Refuse(ip, user, reason)
}

// Refuse counts a login as user from ip that failed for reason, and
// returns the error that says so: ErrThrottled once this failure blocks
// it, ErrLoginFailed before.
func (g *Gate) Refuse(ip netip.Addr, user, reason string) error {
	if g.throttle.Fail(ip, user) {
		return fmt.Errorf("%w: %s", ErrThrottled, reason)
	}
	return fmt.Errorf("%w: %s", ErrLoginFailed, reason)
}
