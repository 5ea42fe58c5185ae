package mm4

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func okResponse() Response {
	return Response{
		Type: TypeForwardRes, TransactionID: "T1", MessageID: "M1@a.net", Status: StatusOk,
		From: "system-user@b.net", To: "system-user@a.net", Date: date("2025-03-04 10:15:01 +0000"),
	}
}

func okDeliveryReport() DeliveryReport {
	return DeliveryReport{
		TransactionID: "T2", MessageID: "M1@a.net", From: "+442/TYPE=PLMN@b.net", To: "+441/TYPE=PLMN@a.net",
		MMStatus: MMStatusRetrieved, OriginatorSystem: "system-user@b.net", Date: date("2025-03-04 10:17:42 +0000"),
	}
}

func okReadReport() ReadReport {
	return ReadReport{
		TransactionID: "T3", MessageID: "M1@a.net", From: "+442/TYPE=PLMN@b.net", To: "+441/TYPE=PLMN@a.net",
		ReadStatus: ReadStatusRead, OriginatorSystem: "system-user@b.net", Date: date("2025-03-04 10:19:05 +0000"),
	}
}

// TestBuildResponseRejects: what would make a response the peer cannot
// match or read, each refused with a reason naming the field.
func TestBuildResponseRejects(t *testing.T) {
	tests := []struct {
		change func(*Response)
		want   string
	}{
		{func(r *Response) { r.Type = "" }, "build MM4 response: no Type"},
		{func(r *Response) { r.Type = TypeForwardReq }, `build MM4 response: Type "MM4_forward.REQ" is not one of the three responses`},
		{func(r *Response) { r.Type = "mm4_forward.res" }, `build MM4 response: Type "mm4_forward.res" is not one of the three responses`},
		{func(r *Response) { r.Status = "" }, "build MM4_forward.RES: no Status"},
		{func(r *Response) { r.Status = "Error-transient-failure" }, `build MM4_forward.RES: Status "Error-transient-failure" is not a request status of mm4.md §6.1`},
		{func(r *Response) { r.TransactionID = "" }, "build MM4_forward.RES: no TransactionID"},
		{func(r *Response) { r.MessageID = "" }, "build MM4_forward.RES: no MessageID"},
		{func(r *Response) { r.Type, r.MessageID = TypeDeliveryReportRes, "" }, "build MM4_delivery_report.RES: no MessageID"},
		{func(r *Response) { r.TransactionID = "a\r\nBcc: x" }, `build MM4_forward.RES: TransactionID "a\r\nBcc: x": want printable ASCII without quotes`},
		{func(r *Response) { r.TransactionID = `a"b` }, `build MM4_forward.RES: TransactionID "a\"b": want printable ASCII without quotes`},
		{func(r *Response) { r.MessageID = "<M1>" }, `build MM4_forward.RES: MessageID "<M1>": white space or angle brackets around it would be lost`},
		{func(r *Response) { r.MessageID = strings.Repeat("m", 901) }, "build MM4_forward.RES: MessageID of 901 characters: at most 900 fit on a header line"},
		{func(r *Response) { r.StatusText = "one\ntwo" }, "build MM4_forward.RES: StatusText must be one line of UTF-8 text"},
		{func(r *Response) { r.From = "" }, "build MM4_forward.RES: no From"},
		{func(r *Response) { r.To = "a@b, c@d" }, `build MM4_forward.RES: To "a@b, c@d": want one address, not 2`},
		{func(r *Response) { r.To = "zoë@b" }, `build MM4_forward.RES: To "zoë@b": only printable ASCII allowed`},
		{func(r *Response) { r.To = ":0" }, `build MM4_forward.RES: To ":0" would be read as "0"`},
		{func(r *Response) { r.To = "a@b (home)" }, `build MM4_forward.RES: To "a@b (home)" would be read as "a@b"`},
		{func(r *Response) { r.Date = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "build MM4_forward.RES: Date 10000-01-01 00:00:00 +0000 UTC: year out of range"},
	}
	for _, tt := range tests {
		r := okResponse()
		tt.change(&r)
		_, err := BuildResponse(r)
		if err == nil || err.Error() != tt.want {
			t.Errorf("error\n got %v\nwant %s", err, tt.want)
		}
	}
	if _, err := BuildResponse(okResponse()); err != nil {
		t.Errorf("baseline refused: %v", err)
	}
}

// TestBuildDeliveryReportRejects: likewise for the delivery report.
func TestBuildDeliveryReportRejects(t *testing.T) {
	tests := []struct {
		change func(*DeliveryReport)
		want   string
	}{
		{func(r *DeliveryReport) { r.MMStatus = "" }, "no MMStatus"},
		{func(r *DeliveryReport) { r.MMStatus = "Delivered" }, `MMStatus "Delivered" is not an MM status of mm4.md §6.2`},
		{func(r *DeliveryReport) { r.MMStatus = "Unreachable" }, "MMStatus Unreachable is MM1 only: send Indeterminate (mm4.md §6.2)"},
		{func(r *DeliveryReport) { r.StatusExtension = "Rejected-by-whim" }, `StatusExtension "Rejected-by-whim" is not one of mm4.md §6.3`},
		{func(r *DeliveryReport) { r.TransactionID = "" }, "no TransactionID"},
		{func(r *DeliveryReport) { r.MessageID = "" }, "no MessageID"},
		{func(r *DeliveryReport) { r.From = " " }, "no From"},
		{func(r *DeliveryReport) { r.To = "" }, "no To"},
		{func(r *DeliveryReport) { r.OriginatorSystem = "" }, "no OriginatorSystem"},
		{func(r *DeliveryReport) { r.StatusText = "\xff" }, "StatusText must be one line of UTF-8 text"},
	}
	for _, tt := range tests {
		r := okDeliveryReport()
		tt.change(&r)
		_, err := BuildDeliveryReport(r)
		if want := "build MM4_delivery_report.REQ: " + tt.want; err == nil || err.Error() != want {
			t.Errorf("error\n got %v\nwant %s", err, want)
		}
	}
	if _, err := BuildDeliveryReport(okDeliveryReport()); err != nil {
		t.Errorf("baseline refused: %v", err)
	}
}

// TestBuildReadReportRejects: likewise for the read report.
func TestBuildReadReportRejects(t *testing.T) {
	tests := []struct {
		change func(*ReadReport)
		want   string
	}{
		{func(r *ReadReport) { r.ReadStatus = "" }, "no ReadStatus"},
		{func(r *ReadReport) { r.ReadStatus = "Opened" }, `ReadStatus "Opened" is neither Read nor Deleted without being read (mm4.md §6.4)`},
		{func(r *ReadReport) { r.TransactionID = "" }, "no TransactionID"},
		{func(r *ReadReport) { r.MessageID = "" }, "no MessageID"},
		{func(r *ReadReport) { r.From = "" }, "no From"},
		{func(r *ReadReport) { r.To = "" }, "no To"},
		{func(r *ReadReport) { r.OriginatorSystem = "" }, "no OriginatorSystem"},
	}
	for _, tt := range tests {
		r := okReadReport()
		tt.change(&r)
		_, err := BuildReadReport(r)
		if want := "build MM4_read_reply_report.REQ: " + tt.want; err == nil || err.Error() != want {
			t.Errorf("error\n got %v\nwant %s", err, want)
		}
	}
	if _, err := BuildReadReport(okReadReport()); err != nil {
		t.Errorf("baseline refused: %v", err)
	}
}

// TestBuildCanonicalSpellings: §11 "send strictly": whatever spelling the
// caller uses for a known value, the canonical one goes on the wire.
func TestBuildCanonicalSpellings(t *testing.T) {
	tests := []struct {
		name  string
		build func() ([]byte, error)
		want  string // header line
	}{
		{"status ok", func() ([]byte, error) { r := okResponse(); r.Status = "ok"; return BuildResponse(r) },
			"X-Mms-Request-Status-Code: Ok"},
		{"status with spaces", func() ([]byte, error) {
			r := okResponse()
			r.Status = "error message format corrupt"
			return BuildResponse(r)
		}, "X-Mms-Request-Status-Code: Error-message-format-corrupt"},
		{"US spelling", func() ([]byte, error) {
			r := okDeliveryReport()
			r.MMStatus = "Unrecognized"
			return BuildDeliveryReport(r)
		},
			"X-Mms-MM-Status-Code: Unrecognised"},
		{"extension", func() ([]byte, error) {
			r := okDeliveryReport()
			r.MMStatus, r.StatusExtension = MMStatusRejected, "RejectionByMMSRecipient"
			return BuildDeliveryReport(r)
		}, "X-Mms-MM-Status-Extension: Rejection-By-MMS-Recipient"},
		{"forward to UA: No", func() ([]byte, error) {
			r := okDeliveryReport()
			r.NoForwardToOriginatorUA = true
			return BuildDeliveryReport(r)
		}, "X-Mms-Forward-To-Originator-UA: No"},
		{"Deleted", func() ([]byte, error) { r := okReadReport(); r.ReadStatus = "Deleted"; return BuildReadReport(r) },
			"X-Mms-Read-Status: Deleted without being read"},
		{"deleted with hyphens", func() ([]byte, error) {
			r := okReadReport()
			r.ReadStatus = "deleted-without-being-read"
			return BuildReadReport(r)
		}, "X-Mms-Read-Status: Deleted without being read"},
		{"no ack, no Ack-Request", func() ([]byte, error) { return BuildReadReport(okReadReport()) },
			"X-Mms-Originator-System: system-user@b.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			checkWireForm(t, raw)
			if !bytes.Contains(raw, []byte("\r\n"+tt.want+"\r\n")) {
				t.Errorf("no line %q in\n%s", tt.want, raw)
			}
			if bytes.Contains(raw, []byte("X-Mms-Ack-Request")) {
				t.Errorf("Ack-Request written without being asked")
			}
			if _, err := ParseAny(raw, now); err != nil {
				t.Errorf("ParseAny: %v", err)
			}
		})
	}
}

// TestBuildStatusText: a status text of any UTF-8 comes back as given,
// encoded where plain text would not survive.
func TestBuildStatusText(t *testing.T) {
	for _, text := range []string{
		"Message accepted",
		"Nachricht angenommen ✓",
		"  padded  and  doubled  ",
		"looks like =?utf-8?q?an_encoded_word?=",
		strings.Repeat("A long reason that has to be folded over several lines. ", 8),
		strings.Repeat("x", 1200),
	} {
		r := okResponse()
		r.StatusText = text
		raw, err := BuildResponse(r)
		if err != nil {
			t.Fatal(err)
		}
		checkWireForm(t, raw)
		pdu, err := ParseAny(raw, now)
		if err != nil {
			t.Fatal(err)
		}
		if pdu.Response.StatusText != text {
			t.Errorf("status text %q came back as %q", text, pdu.Response.StatusText)
		}
	}
}

// TestBuildZeroDateIsNow: like Build, a zero Date means now.
func TestBuildZeroDateIsNow(t *testing.T) {
	r := okResponse()
	r.Date = time.Time{}
	raw, err := BuildResponse(r)
	if err != nil {
		t.Fatal(err)
	}
	pdu, _ := ParseAny(raw, now)
	if d := time.Since(pdu.Response.Date); d < 0 || d > time.Minute {
		t.Errorf("Date %v is not now", pdu.Response.Date)
	}
}
