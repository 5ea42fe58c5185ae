package main

import (
	"flag"

	"github.com/mmsc-project/mmsc/internal/vasp"
)

// accountFlags are an account's fields as vasp add and vasp set take them,
// defined once so that the two verbs spell and explain them alike.
type accountFlags struct {
	fs                                       *flag.FlagSet
	allowIP, sender                          *string
	reportTo, reportUser, reportPassword     *string
	mm7URL, mm7User, mm7Password, mm7Version *string
	maxRate, maxConnections                  *int
}

func newAccountFlags(fs *flag.FlagSet) *accountFlags {
	return &accountFlags{
		fs:             fs,
		allowIP:        fs.String("allow-ip", "", "addresses it may log in from: 10.1.2.*,192.0.2.7,198.51.100.0/24"),
		sender:         fs.String("sender", "", "MAIL FROM masks it may use: +4477*,+4478*"),
		reportTo:       fs.String("report-to", "", "its SMTP server for MM4 responses and reports, host:port"),
		reportUser:     fs.String("report-user", "", "AUTH user at -report-to"),
		reportPassword: fs.String("report-password", "", "AUTH password at -report-to"),
		mm7URL:         fs.String("mm7-url", "", "its MM7 URL, for delivery and read reports over MM7"),
		mm7User:        fs.String("mm7-user", "", "HTTP Basic user at -mm7-url"),
		mm7Password:    fs.String("mm7-password", "", "HTTP Basic password at -mm7-url"),
		mm7Version:     fs.String("mm7-version", "", "the MM7Version it speaks (default 6.8.0; 5.x.y for a REL-5 VASP)"),
		maxRate:        fs.Int("max-rate", 0, "messages a second delivered, over MM4 and MM7; more are queued, not refused (0: no limit)"),
		maxConnections: fs.Int("max-connections", 0, "SMTP sessions it may hold open at once, from all its addresses (0: [smtp] max_connections_per_account)"),
	}
}

// apply sets the fields of a named on the command line; the others keep
// their values. Call it after parsing.
func (f *accountFlags) apply(a *vasp.Account) {
	fields := map[string]func(){
		"allow-ip":        func() { a.AllowIP = *f.allowIP },
		"sender":          func() { a.SenderMask = *f.sender },
		"report-to":       func() { a.ReportTo = *f.reportTo },
		"report-user":     func() { a.ReportUser = *f.reportUser },
		"report-password": func() { a.ReportPassword = *f.reportPassword },
		"mm7-url":         func() { a.MM7URL = *f.mm7URL },
		"mm7-user":        func() { a.MM7User = *f.mm7User },
		"mm7-password":    func() { a.MM7Password = *f.mm7Password },
		"mm7-version":     func() { a.MM7Version = *f.mm7Version },
		"max-rate":        func() { a.MaxRate = *f.maxRate },
		"max-connections": func() { a.MaxConnections = *f.maxConnections },
	}
	f.fs.Visit(func(fl *flag.Flag) {
		if set, ok := fields[fl.Name]; ok {
			set()
		}
	})
}
