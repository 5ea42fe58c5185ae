package wappush_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/smpp"
	"github.com/mmsc-project/mmsc/internal/wappush"
)

// link stands for the SMSC side: it keeps what it was given and answers
// with err.
type link struct {
	got []smpp.Message
	err error
}

func (l *link) Submit(ctx context.Context, m smpp.Message) ([]string, error) {
	l.got = append(l.got, m)
	return []string{"1"}, l.err
}

var expiry = time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC)

func message(hidden bool, class string) *mms.Message {
	return &mms.Message{
		ID: "06h1c1j1mchqz96kx9faz78874", From: "Ann <+447700900123/TYPE=PLMN@mms.example.net>", Subject: "Saturn",
		MessageClass: class, Expiry: expiry, ContentSize: 30000, SenderHidden: hidden,
	}
}

var recipient = mms.Delivery{Address: "+447700900456", Token: "x1Qm8k0Zp3VbR7cT2nYw5g", TransactionID: "t0123456789a"}

// TestNotification: the m-notification-ind carries what OMA-TS-MMS_ENC
// §6.2 makes mandatory, in the form handsets accept.
func TestNotification(t *testing.T) {
	tests := []struct {
		name      string
		m         *mms.Message
		wantFrom  string
		wantClass string
	}{
		{"sender shown", message(false, "Advertisement"), "+447700900123/TYPE=PLMN", "Advertisement"},
		{"sender hidden, no class given", message(true, ""), "", "Personal"},
	}
	for _, tt := range tests {
		p := wappush.Notification(tt.m, recipient, "http://mms.example.net:8080")
		b, err := mmsenc.Encode(p)
		if err != nil {
			t.Fatalf("%s: encode: %v", tt.name, err)
		}
		got, err := mmsenc.Decode(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", tt.name, err)
		}
		checks := []struct {
			what      string
			got, want any
		}{
			{"type", got.Type, mmsenc.NotificationInd},
			{"transaction id", got.TransactionID, recipient.TransactionID},
			{"from", got.From, tt.wantFrom},
			{"subject", got.Subject, "Saturn"},
			{"class", got.MessageClass, tt.wantClass},
			{"size", got.MessageSize, int64(30000)},
			{"expiry", got.Expiry.Unix(), expiry.Unix()},
			{"content location", got.ContentLocation, "http://mms.example.net:8080/mms/" + recipient.Token},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %v, want %v", tt.name, c.what, c.got, c.want)
			}
		}
	}
}

// TestNotify: the push reaches the link as 8-bit SMS segments that
// reassemble into a WSP push of the notification; the SMSC's verdict
// decides whether a failure is permanent.
func TestNotify(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantErr   bool
		permanent bool
	}{
		{"accepted", nil, false, false},
		{"throttled", &smpp.StatusError{Status: 0x58}, true, false},
		{"no link", smpp.ErrNoLink, true, false},
		{"invalid destination", &smpp.StatusError{Status: 0x0B}, true, true},
	}
	for _, tt := range tests {
		l := &link{err: tt.err}
		n := wappush.NewNotifier(l, "http://mms.example.net:8080")
		id, err := n.Notify(context.Background(), message(false, ""), recipient)
		if (err == nil) != (id == "1") {
			t.Errorf("%s: SMSC id %q with error %v", tt.name, id, err)
		}
		if (err != nil) != tt.wantErr || mms.IsPermanent(err) != tt.permanent {
			t.Errorf("%s: Notify = %v (permanent %v), want error %v permanent %v", tt.name, err, mms.IsPermanent(err), tt.wantErr, tt.permanent)
		}
		if tt.err != nil && !errors.Is(err, tt.err) {
			t.Errorf("%s: %v does not wrap the link's error", tt.name, err)
		}
		if len(l.got) != 1 {
			t.Fatalf("%s: %d submits, want 1", tt.name, len(l.got))
		}
		sm := l.got[0]
		if sm.To != recipient.Address || sm.DataCoding != 0x04 || !sm.RegisteredDelivery {
			t.Errorf("%s: to %q data coding %#x receipt %v", tt.name, sm.To, sm.DataCoding, sm.RegisteredDelivery)
		}
		push, err := mmsenc.ReassembleSMS(sm.Segments)
		if err != nil {
			t.Fatalf("%s: reassemble: %v", tt.name, err)
		}
		_, ct, app, body, err := mmsenc.ParsePush(push)
		if err != nil || ct != "application/vnd.wap.mms-message" || app != "x-wap-application:mms.ua" {
			t.Fatalf("%s: push %q %q: %v", tt.name, ct, app, err)
		}
		if p, err := mmsenc.Decode(body); err != nil || p.TransactionID != recipient.TransactionID {
			t.Errorf("%s: pushed PDU: %v %v", tt.name, p, err)
		}
	}
}

// Successive notifications use different concatenation references, so a
// handset never splices segments of two pushes.
func TestNotifyReferences(t *testing.T) {
	l := &link{}
	n := wappush.NewNotifier(l, "http://mms.example.net:8080")
	long := message(false, "")
	long.Subject = fmt.Sprintf("%0150d", 0) // two segments
	for range 2 {
		if _, err := n.Notify(context.Background(), long, recipient); err != nil {
			t.Fatal(err)
		}
	}
	a, b := l.got[0].Segments, l.got[1].Segments
	if len(a) < 2 || len(b) < 2 {
		t.Fatalf("segments %d and %d, want at least 2 each", len(a), len(b))
	}
	// UDH: UDHL, then IEs; find the 8-bit concatenation IE (00 03 ref n i).
	ref := func(seg []byte) int {
		for i := 1; i+4 < len(seg) && i <= int(seg[0]); {
			if seg[i] == 0x00 && seg[i+1] == 3 {
				return int(seg[i+2])
			}
			i += 2 + int(seg[i+1])
		}
		return -1
	}
	if ref(a[0]) < 0 || ref(a[0]) == ref(b[0]) {
		t.Errorf("references %d and %d, want two different ones", ref(a[0]), ref(b[0]))
	}
}
