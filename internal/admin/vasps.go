package admin

import (
	"time"

	"github.com/mmsc-project/mmsc/internal/vasp"
)

// vaspInput is an account as POST creates it and PATCH changes it: fields
// left out keep their value (PATCH) or are empty (POST). Passwords are
// taken, hashed as the CLI does, and never shown again.
type vaspInput struct {
	Name           *string `json:"name"`
	Password       *string `json:"password"`
	AllowIP        *string `json:"allow_ip"`
	Sender         *string `json:"sender"`
	ReportTo       *string `json:"report_to"`
	ReportUser     *string `json:"report_user"`
	ReportPassword *string `json:"report_password"`
	MM7URL         *string `json:"mm7_url"`
	MM7User        *string `json:"mm7_user"`
	MM7Password    *string `json:"mm7_password"`
	MM7Version     *string `json:"mm7_version"`
	MaxRate        *int    `json:"max_rate"`
	MaxConnections *int    `json:"max_connections"`
}

// apply changes a as in says, hashing a new password, and validates the
// result as `mmsc vasp add` does.
func (in vaspInput) apply(a *vasp.Account) error {
	set(&a.AllowIP, in.AllowIP)
	set(&a.SenderMask, in.Sender)
	set(&a.ReportTo, in.ReportTo)
	set(&a.ReportUser, in.ReportUser)
	set(&a.ReportPassword, in.ReportPassword)
	set(&a.MM7URL, in.MM7URL)
	set(&a.MM7User, in.MM7User)
	set(&a.MM7Password, in.MM7Password)
	set(&a.MM7Version, in.MM7Version)
	set(&a.MaxRate, in.MaxRate)
	set(&a.MaxConnections, in.MaxConnections)
	if in.Password != nil {
		a.PasswordHash = ""
		if *in.Password != "" {
			h, err := vasp.HashPassword(*in.Password)
			if err != nil {
				return invalid{err}
			}
			a.PasswordHash = h
		}
	}
	if err := a.Validate(); err != nil {
		return invalid{err}
	}
	return nil
}

func (in vaspInput) given() *string { return in.Name }

// vasps is the collection of accounts.
func (a *Admin) vasps() collection[vasp.Account, vaspInput, VASP] {
	return collection[vasp.Account, vaspInput, VASP]{
		a: a, noun: "VASP", path: "/api/v1/vasps",
		all: a.b.Accounts.Accounts, one: a.b.Accounts.Account, add: a.b.Accounts.AddAccount,
		update: a.b.Accounts.UpdateAccount, remove: a.b.Accounts.RemoveAccount,
		fresh: func(name string, now time.Time) vasp.Account { return vasp.Account{Name: name, Created: now} },
		show:  VASPOf,
	}
}
