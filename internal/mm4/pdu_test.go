package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// edit changes the header of a mail: "Name: value" replaces the first
// field of that name, or adds it at the end of the header when there is
// none; "-Name" removes every field of that name. Names are compared
// without case, as readers do.
func edit(mail []byte, changes ...string) []byte {
	head, body, _ := bytes.Cut(mail, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	for _, c := range changes {
		name, drop := strings.CutPrefix(c, "-")
		if !drop {
			name, _, _ = strings.Cut(c, ":")
		}
		same := func(l string) bool {
			n, _, ok := strings.Cut(l, ":")
			return ok && strings.EqualFold(n, name)
		}
		if drop {
			lines = slicesDeleteFunc(lines, same)
			continue
		}
		replaced := false
		for i, l := range lines {
			if same(l) {
				lines[i], replaced = c, true
				break
			}
		}
		if !replaced {
			lines = append(lines, c)
		}
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n" + string(body))
}

func slicesDeleteFunc(s []string, del func(string) bool) []string {
	out := s[:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	return out
}

// TestParseAnyTypes: mm4.md §2's six PDUs in any case (§11 rule 2), a
// mail without a type as a forward request, anything else unsupported.
func TestParseAnyTypes(t *testing.T) {
	tests := []struct {
		file, typ string // typ "" = leave the file's
		want      string
	}{
		{"mm4-12-1.eml", "", TypeForwardReq},
		{"mm4-12-2.eml", "", TypeForwardRes},
		{"mm4-12-3.eml", "", TypeDeliveryReportReq},
		{"mm4-12-4.eml", "", TypeDeliveryReportRes},
		{"mm4-12-5.eml", "", TypeReadReplyReportReq},
		{"mm4-12-6.eml", "", TypeReadReplyReportRes},
		{"mm4-12-3.eml", "MM4_Delivery_report.REQ", TypeDeliveryReportReq}, // as seen, §11 rule 2
		{"mm4-12-2.eml", "mm4_forward.res", TypeForwardRes},
		{"mm4-12-6.eml", "MM4_READ_REPLY_REPORT.RES", TypeReadReplyReportRes},
		{"mm4-12-1.eml", "  MM4_forward.REQ  ", TypeForwardReq},
		{"plain-email.eml", "", TypeForwardReq}, // no X-Mms-Message-Type
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.typ, func(t *testing.T) {
			raw := readCorpus(t, tt.file)
			if tt.typ != "" {
				raw = edit(raw, "X-Mms-Message-Type: "+tt.typ)
			}
			pdu, err := ParseAny(raw, now)
			if err != nil {
				t.Fatal(err)
			}
			if pdu.Type != tt.want {
				t.Errorf("Type = %q, want %q", pdu.Type, tt.want)
			}
			set := map[string]bool{
				TypeForwardReq:         pdu.Forward != nil,
				TypeDeliveryReportReq:  pdu.DeliveryReport != nil,
				TypeReadReplyReportReq: pdu.ReadReport != nil,
			}
			isRes := strings.HasSuffix(tt.want, ".RES")
			if pdu.Response != nil != isRes || (isRes && pdu.Response.Type != tt.want) {
				t.Errorf("Response = %+v", pdu.Response)
			}
			for typ, ok := range set {
				if ok != (typ == tt.want) {
					t.Errorf("field for %s set: %v", typ, ok)
				}
			}
		})
	}
}

// TestParseAnyUnsupportedType: what is not one of the six is refused with
// the type as sent.
func TestParseAnyUnsupportedType(t *testing.T) {
	for _, typ := range []string{
		"MM4_forward.REQUEST",
		"MM4 forward.RES", // only case is forgiven in the type
		"MM4_delivery_report",
		"m-send-req",
		"MM7_submit.REQ",
	} {
		t.Run(typ, func(t *testing.T) {
			_, err := ParseAny(edit(readCorpus(t, "mm4-12-2.eml"), "X-Mms-Message-Type: "+typ), now)
			if !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("error %v, want ErrUnsupportedType", err)
			}
			checkReplyable(t, err)
			if want := fmt.Sprintf("unsupported MM4 message type: %q", typ); err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

// TestParseStillRefusesReports: Parse, which the SMTP ingress uses for
// forward requests, answers the other five as unsupported, as before.
func TestParseStillRefusesReports(t *testing.T) {
	for _, f := range []string{"mm4-12-2.eml", "mm4-12-3.eml", "mm4-12-4.eml", "mm4-12-5.eml", "mm4-12-6.eml"} {
		_, err := Parse(readCorpus(t, f), now)
		if !errors.Is(err, ErrUnsupportedType) {
			t.Errorf("%s: %v, want ErrUnsupportedType", f, err)
		}
	}
}

// TestParseAnyMandatory: a report or response without what its receiver
// cannot act on is malformed, every missing field named in one line.
func TestParseAnyMandatory(t *testing.T) {
	tests := []struct {
		file string
		drop []string
		want string
	}{
		// Responses: matched by Transaction-ID (§7 rule 5), and the status
		// is the whole point.
		{"mm4-12-2.eml", []string{"X-Mms-Transaction-ID"}, "MM4_forward.RES without X-Mms-Transaction-ID"},
		{"mm4-12-2.eml", []string{"X-Mms-Request-Status-Code"}, "MM4_forward.RES without X-Mms-Request-Status-Code"},
		{"mm4-12-2.eml", []string{"X-Mms-Transaction-ID", "X-Mms-Request-Status-Code"},
			"MM4_forward.RES without X-Mms-Transaction-ID, X-Mms-Request-Status-Code"},
		{"mm4-12-4.eml", []string{"X-Mms-Transaction-ID"}, "MM4_delivery_report.RES without X-Mms-Transaction-ID"},
		{"mm4-12-4.eml", []string{"X-Mms-Request-Status-Code"}, "MM4_delivery_report.RES without X-Mms-Request-Status-Code"},
		{"mm4-12-6.eml", []string{"X-Mms-Transaction-ID"}, "MM4_read_reply_report.RES without X-Mms-Transaction-ID"},
		{"mm4-12-6.eml", []string{"X-Mms-Request-Status-Code"}, "MM4_read_reply_report.RES without X-Mms-Request-Status-Code"},
		// Delivery report (§4.3): which MM, which recipient, whose sender,
		// what happened, and the ID to answer with.
		{"mm4-12-3.eml", []string{"X-Mms-Transaction-ID"}, "MM4_delivery_report.REQ without X-Mms-Transaction-ID"},
		{"mm4-12-3.eml", []string{"X-Mms-Message-ID"}, "MM4_delivery_report.REQ without X-Mms-Message-ID"},
		{"mm4-12-3.eml", []string{"From"}, "MM4_delivery_report.REQ without From"},
		{"mm4-12-3.eml", []string{"To"}, "MM4_delivery_report.REQ without To"},
		{"mm4-12-3.eml", []string{"X-Mms-MM-Status-Code"}, "MM4_delivery_report.REQ without X-Mms-MM-Status-Code"},
		{"mm4-12-3.eml", []string{"X-Mms-Transaction-ID", "X-Mms-Message-ID", "From", "To", "X-Mms-MM-Status-Code"},
			"MM4_delivery_report.REQ without X-Mms-Transaction-ID, X-Mms-Message-ID, From, To, X-Mms-MM-Status-Code"},
		// Read report (§4.5): the same, with the read status.
		{"mm4-12-5.eml", []string{"X-Mms-Transaction-ID"}, "MM4_read_reply_report.REQ without X-Mms-Transaction-ID"},
		{"mm4-12-5.eml", []string{"X-Mms-Message-ID"}, "MM4_read_reply_report.REQ without X-Mms-Message-ID"},
		{"mm4-12-5.eml", []string{"From"}, "MM4_read_reply_report.REQ without From"},
		{"mm4-12-5.eml", []string{"To"}, "MM4_read_reply_report.REQ without To"},
		{"mm4-12-5.eml", []string{"X-Mms-Read-Status"}, "MM4_read_reply_report.REQ without X-Mms-Read-Status"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var drops []string
			for _, d := range tt.drop {
				drops = append(drops, "-"+d)
			}
			_, err := ParseAny(edit(readCorpus(t, tt.file), drops...), now)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, want ErrMalformed", err)
			}
			checkReplyable(t, err)
			if want := "malformed MIME: " + tt.want; err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
		})
	}
}

// TestParseAnyEmptyIsMissing: a field present but empty, or an ID that is
// only quotes, is as good as absent.
func TestParseAnyEmptyIsMissing(t *testing.T) {
	for _, change := range []string{`X-Mms-Transaction-ID: ""`, "X-Mms-Transaction-ID: <>", "X-Mms-Transaction-ID:   "} {
		_, err := ParseAny(edit(readCorpus(t, "mm4-12-2.eml"), change), now)
		if err == nil || err.Error() != "malformed MIME: MM4_forward.RES without X-Mms-Transaction-ID" {
			t.Errorf("%s: %v", change, err)
		}
	}
}

// TestParseAnyOptional: what the tables mark optional, and what §4 says
// never to require, may be missing.
func TestParseAnyOptional(t *testing.T) {
	tests := []struct {
		file string
		drop []string
	}{
		{"mm4-12-2.eml", []string{"X-Mms-Message-ID", "X-Mms-Status-Text", "X-Mms-3GPP-MMS-Version", "Date", "From", "Sender", "To",
			"Message-ID", "MIME-Version", "Content-Type"}},
		{"mm4-12-4.eml", []string{"X-Mms-Message-ID"}},
		{"mm4-12-6.eml", []string{"X-Mms-Message-ID"}}, // §4.6: never require it
		{"mm4-12-3.eml", []string{"Date", "X-Mms-Ack-Request", "X-Mms-Originator-System", "X-Mms-Forward-To-Originator-UA",
			"X-Mms-3GPP-MMS-Version", "Sender", "Message-ID", "MIME-Version"}},
		{"mm4-12-5.eml", []string{"Date", "X-Mms-Ack-Request", "X-Mms-Originator-System", "X-Mms-3GPP-MMS-Version", "Sender"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var drops []string
			for _, d := range tt.drop {
				drops = append(drops, "-"+d)
			}
			if _, err := ParseAny(edit(readCorpus(t, tt.file), drops...), now); err != nil {
				t.Errorf("without %s: %v", strings.Join(tt.drop, ", "), err)
			}
		})
	}
}

// TestParseAnyTolerance: mm4.md §11 "receive liberally", one change to a
// §12 example at a time, and the field it must give.
func TestParseAnyTolerance(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		changes []string
		field   string // of the Response, DeliveryReport or ReadReport
		want    any
	}{
		// Rule 1: header names in any case.
		{"header names in lower case", "mm4-12-2.eml", []string{"-X-Mms-Transaction-ID", "x-mms-transaction-id: T1"}, "TransactionID", "T1"},
		{"header names in upper case", "mm4-12-3.eml", []string{"-X-Mms-MM-Status-Code", "X-MMS-MM-STATUS-CODE: Expired"}, "MMStatus", "Expired"},
		// Rule 3: IDs quoted or not, with or without angle brackets.
		{"ID bare", "mm4-12-2.eml", []string{"X-Mms-Transaction-ID: T1"}, "TransactionID", "T1"},
		{"ID in angle brackets", "mm4-12-2.eml", []string{"X-Mms-Message-ID: <M1@mmsc>"}, "MessageID", "M1@mmsc"},
		{"ID quoted and bracketed", "mm4-12-3.eml", []string{`X-Mms-Message-ID: "<M1@mmsc>"`}, "MessageID", "M1@mmsc"},
		// Rule 4: tokens in any case, spelling variants.
		{"status OK", "mm4-12-2.eml", []string{"X-Mms-Request-Status-Code: OK"}, "Status", StatusOk},
		{"status in lower case", "mm4-12-4.eml", []string{"X-Mms-Request-Status-Code: error-service-denied"}, "Status", StatusErrorServiceDenied},
		{"status with spaces", "mm4-12-2.eml", []string{"X-Mms-Request-Status-Code: Error network problem"}, "Status", StatusErrorNetworkProblem},
		{"status unknown is kept as sent", "mm4-12-2.eml", []string{"X-Mms-Request-Status-Code: Error-transient-failure"}, "Status", "Error-transient-failure"},
		{"MM status in lower case", "mm4-12-3.eml", []string{"X-Mms-MM-Status-Code: retrieved"}, "MMStatus", MMStatusRetrieved},
		{"MM status Unrecognized", "mm4-12-3.eml", []string{"X-Mms-MM-Status-Code: Unrecognized"}, "MMStatus", MMStatusUnrecognised},
		{"MM status unknown is kept as sent", "mm4-12-3.eml", []string{"X-Mms-MM-Status-Code: Unreachable"}, "MMStatus", "Unreachable"},
		{"status extension, any case", "mm4-12-3.eml", []string{"X-Mms-MM-Status-Code: Rejected", "X-Mms-MM-Status-Extension: rejection-by-mms-recipient"},
			"StatusExtension", StatusExtensionByRecipient},
		{"status extension, MM7 form", "mm4-12-3.eml", []string{"X-Mms-MM-Status-Extension: RejectionByOtherRS"}, "StatusExtension", StatusExtensionByOtherRS},
		{"read status in lower case", "mm4-12-5.eml", []string{"X-Mms-Read-Status: read"}, "ReadStatus", ReadStatusRead},
		{"read status deleted, spaces", "mm4-12-5.eml", []string{"X-Mms-Read-Status: Deleted without being read"}, "ReadStatus", ReadStatusDeleted},
		{"read status deleted, hyphens", "mm4-12-5.eml", []string{"X-Mms-Read-Status: Deleted-without-being-read"}, "ReadStatus", ReadStatusDeleted},
		{"read status deleted, short", "mm4-12-5.eml", []string{"X-Mms-Read-Status: DELETED"}, "ReadStatus", ReadStatusDeleted},
		{"yes in lower case", "mm4-12-5.eml", []string{"X-Mms-Ack-Request: yes"}, "AckRequest", true},
		{"ack no", "mm4-12-3.eml", []string{"X-Mms-Ack-Request: No"}, "AckRequest", false},
		// §4.3: a missing Forward-To-Originator-UA counts as Yes.
		{"forward to UA: No", "mm4-12-3.eml", []string{"X-Mms-Forward-To-Originator-UA: no"}, "NoForwardToOriginatorUA", true},
		{"forward to UA: absent", "mm4-12-3.eml", []string{"-X-Mms-Forward-To-Originator-UA"}, "NoForwardToOriginatorUA", false},
		// Rule 10 and §7 rule 2: no Originator-System, answer to Sender.
		{"no Originator-System: Sender", "mm4-12-3.eml", []string{"-X-Mms-Originator-System"}, "OriginatorSystem", "system-user@mms.mnc002.mcc001.gprs"},
		{"no Originator-System or Sender", "mm4-12-5.eml", []string{"-X-Mms-Originator-System", "-Sender"}, "OriginatorSystem", ""},
		{"RES without From: Sender", "mm4-12-2.eml", []string{"-From"}, "From", "system-user@mms.mnc002.mcc001.gprs"},
		// Rule 7: addresses with display names and without domain.
		{"From with display name", "mm4-12-3.eml", []string{`From: "Bob" <+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs>`}, "From", "+447700900456/TYPE=PLMN@mms.mnc002.mcc001.gprs"},
		{"To without domain", "mm4-12-5.eml", []string{"To: +447700900123/TYPE=PLMN"}, "To", "+447700900123/TYPE=PLMN"},
		// Rule 9: extra headers and a Subject naming the PDU are ignored.
		{"Subject set to the type", "mm4-12-2.eml", []string{"Subject: MM4_forward.RES", "X-Mms-Request-Recipients: +447700900456/TYPE=PLMN"}, "Status", StatusOk},
		// Text: RFC 2047.
		{"status text encoded", "mm4-12-2.eml", []string{"X-Mms-Status-Text: =?utf-8?q?Nachricht_angenommen_=E2=9C=93?="}, "StatusText", "Nachricht angenommen ✓"},
		{"date without weekday", "mm4-12-4.eml", []string{"Date: 4 Mar 2025 10:17:43 GMT"}, "Date", date("2025-03-04 10:17:43 +0000")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdu, err := ParseAny(edit(readCorpus(t, tt.file), tt.changes...), now)
			if err != nil {
				t.Fatal(err)
			}
			var v reflect.Value
			switch {
			case pdu.Response != nil:
				v = reflect.ValueOf(*pdu.Response)
			case pdu.DeliveryReport != nil:
				v = reflect.ValueOf(*pdu.DeliveryReport)
			default:
				v = reflect.ValueOf(*pdu.ReadReport)
			}
			got := v.FieldByName(tt.field).Interface()
			if want, ok := tt.want.(time.Time); ok {
				if !got.(time.Time).Equal(want) {
					t.Errorf("%s = %v, want %v", tt.field, got, want)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.field, got, tt.want)
			}
		})
	}
}

// TestParseAnyIgnoresBodies: §4.2 "No content", but peers add some; a
// response's body is not even read, so a broken one does not matter.
func TestParseAnyIgnoresBodies(t *testing.T) {
	for _, body := range []string{
		"Content-Type: text/plain\r\n\r\nMM4_forward.RES accepted\r\n",
		"Content-Type: multipart/mixed; boundary=never\r\n\r\nno delimiter here\r\n",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!! not base64\r\n",
	} {
		head, body, _ := strings.Cut(body, "\r\n\r\n")
		raw := edit(readCorpus(t, "mm4-12-2.eml"), strings.Split(head, "\r\n")...)
		raw = append(raw, body...)
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Errorf("%q: %v", head, err)
			continue
		}
		if pdu.Response.Status != StatusOk {
			t.Errorf("%q: Status %q", head, pdu.Response.Status)
		}
	}
}

// TestParseAnyBareLF: line ends as some gateways leave them.
func TestParseAnyBareLF(t *testing.T) {
	raw := bytes.ReplaceAll(readCorpus(t, "mm4-12-3.eml"), []byte("\r\n"), []byte("\n"))
	pdu, err := ParseAny(raw, now)
	if err != nil {
		t.Fatal(err)
	}
	if r := pdu.DeliveryReport; r.MMStatus != MMStatusRetrieved || r.TransactionID != "B-20250304-004211" {
		t.Errorf("%+v", r)
	}
}

// TestParseAnyForwardCounter: X-Mms-Forward-Counter of a forward request.
func TestParseAnyForwardCounter(t *testing.T) {
	for value, want := range map[string]int{
		"":                        0,
		"3":                       3,
		" 12 ":                    12,
		"-1":                      0, // unreadable counts as absent
		"two":                     0,
		"99999999999999999999999": 1<<31 - 1, // too big is still big
	} {
		raw := readCorpus(t, "mm4-12-1.eml")
		if value != "" {
			raw = edit(raw, "X-Mms-Forward-Counter: "+value)
		}
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Fatal(err)
		}
		if pdu.ForwardCounter != want {
			t.Errorf("X-Mms-Forward-Counter %q: %d, want %d", value, pdu.ForwardCounter, want)
		}
	}
}

// TestParseAnyForwardIsParse: for a forward request ParseAny returns what
// Parse returns, and refuses what Parse refuses, with the same error.
func TestParseAnyForwardIsParse(t *testing.T) {
	inputs := [][]byte{nested(21), crlf("Content-Type: multipart/mixed; boundary=b", "", "--b"), []byte(" \r\n")}
	for _, f := range []string{"alternative.eml", "mm4-12-1.eml", "nested-related.eml", "nowsms-seed.eml",
		"plain-email.eml", "qp-latin1.eml", "rfc2047.eml", "wap-related.eml"} {
		inputs = append(inputs, readCorpus(t, f))
	}
	for i, raw := range inputs {
		m, err1 := Parse(raw, now)
		pdu, err2 := ParseAny(raw, now)
		if fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Errorf("input %d: Parse error %v, ParseAny error %v", i, err1, err2)
			continue
		}
		if err1 == nil && !reflect.DeepEqual(m, pdu.Forward) {
			t.Errorf("input %d: ParseAny's forward differs from Parse's", i)
		}
	}
}
