package cdr

import (
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Record is one CDR as its line spells it. Field names are part of the
// product's interface: they stay as they are.
type Record struct {
	ID              string `json:"cdr_id"`
	MessageID       string `json:"message_id"`
	InterfaceIn     string `json:"interface_in"`
	Account         string `json:"account"`
	From            string `json:"from"`
	To              string `json:"to"`
	InterfaceOut    string `json:"interface_out"`
	Route           string `json:"route"`
	Size            int64  `json:"size"`
	ServiceCode     string `json:"service_code"`
	LinkedID        string `json:"linked_id"`
	AcceptedAt      string `json:"accepted_at"`
	FirstNotifiedAt string `json:"first_notified_at,omitempty"`
	FinalAt         string `json:"final_at"`
	State           string `json:"state"`
	Attempts        int    `json:"attempts"`
	Notifications   int    `json:"notifications"`
}

// timeFormat is RFC 3339 in UTC with milliseconds, which the store keeps.
const timeFormat = "2006-01-02T15:04:05.000Z"

// NewRecord is the CDR of f.
func NewRecord(f mms.FinalRecipient) Record {
	r := Record{
		ID:            string(f.Message) + "/" + strconv.FormatInt(f.Delivery, 10),
		MessageID:     string(f.Message),
		InterfaceIn:   string(f.Origin.Interface),
		Account:       f.Origin.Account,
		From:          sender(f.From),
		To:            f.To,
		InterfaceOut:  interfaceOut(f.Route),
		Route:         string(f.Route),
		Size:          f.Size,
		ServiceCode:   f.Service.ServiceCode,
		LinkedID:      f.Service.LinkedID,
		AcceptedAt:    stamp(f.Accepted),
		FinalAt:       stamp(f.Ended),
		State:         string(f.State),
		Attempts:      f.Attempts,
		Notifications: f.Notifications,
	}
	if !f.FirstNotified.IsZero() {
		r.FirstNotifiedAt = stamp(f.FirstNotified)
	}
	return r
}

func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

// sender is the sender's number when it is one, in whichever form it came
// ("+447700900123/TYPE=PLMN@mms.example.net", a handset's bare number),
// so that records of one subscriber agree; any other address bare, without
// a display name.
func sender(from string) string { return strings.TrimSuffix(mms.HandsetAddress(from), "/TYPE=PLMN") }

// interfaceOut is the way out a route takes: the reference point for peer
// MMSCs (mm4) and VASPs (mm7), whose names route keeps, else the route.
func interfaceOut(r mms.Route) string {
	if r.IsPeer() {
		return string(mms.InterfaceMM4)
	}
	if _, ok := r.VASP(); ok {
		return string(mms.InterfaceMM7)
	}
	return string(r)
}
