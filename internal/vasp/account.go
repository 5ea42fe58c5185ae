package vasp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"golang.org/x/crypto/bcrypt"
)

// Account is one VASP account.
type Account struct {
	Name         string
	PasswordHash string    // bcrypt; empty for an IP account without a password
	AllowIP      string    // NowSMS IP Address Restrictions, as entered; empty = anywhere
	SenderMask   string    // allowed MAIL FROM masks, as entered; empty = any sender
	Created      time.Time // when the account was added

	// Where MM4 responses and reports for this account's messages go: its
	// SMTP server (host:port) and the AUTH to use there. Empty ReportTo:
	// they are recorded, not sent.
	ReportTo                   string
	ReportUser, ReportPassword string

	// Where the VASP takes MM7 (DeliveryReportReq, ReadReplyReq): its URL,
	// the HTTP Basic credentials there, and the MM7Version it speaks (""
	// = 6.8.0). Empty MM7URL: it has no MM7 endpoint.
	MM7URL, MM7User, MM7Password, MM7Version string

	// MaxRate is how many of its messages a second are delivered, over
	// MM4 and MM7 alike; more are stored and queued, not refused. 0: no
	// limit.
	MaxRate int

	// MaxConnections is how many SMTP sessions it may hold open at once,
	// from any number of addresses: those that logged in as it, and, for
	// an IP account, those from its address. 0: the server's default
	// (smtp.max_connections_per_account).
	MaxConnections int
}

// ErrBadPassword is returned by CheckPassword for a wrong password.
var ErrBadPassword = errors.New("wrong password")

// bcryptCost is bcrypt's default (10): about 50 ms per login on the
// development machine, which together with the per-IP failure throttle makes
// online guessing useless without slowing a VASP's reconnects noticeably.
const bcryptCost = bcrypt.DefaultCost

// HashPassword returns a salted bcrypt hash of password.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("empty password")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword compares password with the account's hash in constant time.
// An account without a password never matches.
func (a Account) CheckPassword(password string) error {
	if a.PasswordHash == "" {
		return ErrBadPassword
	}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(password)) != nil {
		return ErrBadPassword
	}
	return nil
}

// Admit decides a login as a with password from ip, with checked
// remembering passwords already checked (nil: bcrypt every time). Its error
// says why not, for the log only: the peer learns no more than "invalid".
func (a Account) Admit(password string, ip netip.Addr, checked *CheckedPasswords) error {
	check := a.CheckPassword
	if checked != nil {
		check = func(p string) error { return checked.Check(a, p) }
	}
	if check(password) != nil {
		return errors.New("wrong password")
	}
	if !a.MayConnectFrom(ip) {
		return errors.New("address not in the account's IP restrictions")
	}
	return nil
}

// IsIPAccount reports whether the account name is an IP address, which makes
// every connection from that address this account without AUTH.
func (a Account) IsIPAccount() bool { return IsIPName(a.Name) }

// IsIPName reports whether name is an IPv4 or IPv6 address.
func IsIPName(name string) bool {
	_, err := netip.ParseAddr(name)
	return err == nil
}

// MayConnectFrom reports whether the account may log in from ip.
func (a Account) MayConnectFrom(ip netip.Addr) bool {
	if a.AllowIP == "" {
		return true
	}
	l, err := ParseAllowList(a.AllowIP)
	if err != nil {
		return false // a list that no longer parses admits nobody
	}
	return l.Contains(ip)
}

// MaySendAs reports whether the account may use from as MAIL FROM. The mask
// is matched against the whole address and against its number alone, so
// "+4477*" admits "+447700900123/TYPE=PLMN@mms.example.net".
func (a Account) MaySendAs(from string) bool {
	if a.SenderMask == "" {
		return true
	}
	m := mms.ParseMasks(a.SenderMask)
	if m.Match(from) {
		return true
	}
	if addr, err := mms.ParseAddress(from); err == nil {
		return m.Match(addr.Number)
	}
	return false
}

// Validate checks the fields that an operator types in.
func (a Account) Validate() error {
	if a.Name == "" {
		return errors.New("account name is empty")
	}
	for _, r := range a.Name {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("account name %q contains a space or control character", a.Name)
		}
	}
	if _, err := ParseAllowList(a.AllowIP); err != nil {
		return err
	}
	if a.ReportTo != "" {
		if _, port, err := net.SplitHostPort(a.ReportTo); err != nil || port == "" {
			return fmt.Errorf("account %q: report endpoint %q is not host:port", a.Name, a.ReportTo)
		}
	}
	if (a.ReportUser == "") != (a.ReportPassword == "") {
		return fmt.Errorf("account %q: the report endpoint's user and password go together", a.Name)
	}
	if a.MM7URL != "" {
		if u, err := url.Parse(a.MM7URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("account %q: MM7 URL %q is not an http:// or https:// URL", a.Name, a.MM7URL)
		}
	}
	if (a.MM7User == "") != (a.MM7Password == "") {
		return fmt.Errorf("account %q: the MM7 user and password go together", a.Name)
	}
	if a.MaxRate < 0 {
		return fmt.Errorf("account %q: max rate %d: want messages a second, or 0 for no limit", a.Name, a.MaxRate)
	}
	if a.MaxConnections < 0 {
		return fmt.Errorf("account %q: max connections %d: want a number of sessions, or 0 for the server's default", a.Name, a.MaxConnections)
	}
	if v := a.MM7Version; v != "" && !strings.HasPrefix(v, "5.") && !strings.HasPrefix(v, "6.") {
		return fmt.Errorf("account %q: MM7 version %q: want 5.x.y or 6.x.y", a.Name, v)
	}
	if !a.IsIPAccount() && a.PasswordHash == "" {
		return fmt.Errorf("account %q needs a password (only an account named by an IP address may go without)", a.Name)
	}
	return nil
}
