package mm4

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// crlf joins lines into a message with CRLF line ends.
func crlf(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n"))
}

// withHeaders is a minimal text-only forward request carrying extra header
// lines; X-Mms-Message-Type is MM4_forward.REQ unless they set it.
func withHeaders(headers ...string) []byte {
	lines := []string{"X-Mms-Message-Type: MM4_forward.REQ"}
	for _, h := range headers {
		if strings.HasPrefix(strings.ToLower(h), "x-mms-message-type:") {
			lines = nil
		}
	}
	lines = append(lines, headers...)
	return crlf(append(lines, "Content-Type: text/plain", "", "hi")...)
}

// TestParseHeaderTolerance: mm4.md §11, "receive liberally", one header at a
// time.
func TestParseHeaderTolerance(t *testing.T) {
	tests := []struct {
		name   string
		header string
		field  string // mms.Message field
		want   any
	}{
		{"header name in lower case", "x-mms-transaction-id: T1", "TransactionID", "T1"},
		{"header name in upper case", "X-MMS-TRANSACTION-ID: T1", "TransactionID", "T1"},
		{"ID quoted", `X-Mms-Transaction-ID: "T1@mmsc"`, "TransactionID", "T1@mmsc"},
		{"ID in angle brackets", "X-Mms-Message-ID: <M1@mmsc>", "MM4MessageID", "M1@mmsc"},
		{"ID quoted and bracketed", `X-Mms-Message-ID: "<M1@mmsc>"`, "MM4MessageID", "M1@mmsc"},
		{"ID bare", "X-Mms-Message-ID: M1@mmsc", "MM4MessageID", "M1@mmsc"},
		{"Message-ID without brackets", "Message-ID: abc@host", "SMTPMessageID", "abc@host"},
		{"type in mixed case", "X-Mms-Message-Type: mm4_FORWARD.req", "MessageType", "MM4_forward.REQ"},
		{"version 5.5.0", "X-Mms-3GPP-MMS-Version: 5.5.0", "MMSVersion", "5.5.0"},
		{"version 6.16.0", "X-Mms-3GPP-MMS-Version: 6.16.0", "MMSVersion", "6.16.0"},
		{"version nonsense is kept, not refused", "X-Mms-3GPP-MMS-Version: 7", "MMSVersion", "7"},
		{"version missing", "", "MMSVersion", ""},
		{"expiry in seconds", "X-Mms-Expiry: 600", "Expiry", now.Add(10 * time.Minute)},
		{"expiry as a date", "X-Mms-Expiry: Fri, 7 Mar 2025 10:15:00 +0000", "Expiry", date("2025-03-07 10:15:00 +0000")},
		{"expiry unreadable is ignored", "X-Mms-Expiry: soon", "Expiry", time.Time{}},
		{"expiry absurdly far is ignored", "X-Mms-Expiry: 99999999999999999", "Expiry", time.Time{}},
		{"To without domain", "To: +447700900456/TYPE=PLMN", "To", []string{"+447700900456/TYPE=PLMN"}},
		{"To without type", "To: 447700900456@mms.example.net", "To", []string{"447700900456@mms.example.net"}},
		{"several To in one header", "To: +441/TYPE=PLMN@a.net, +442/TYPE=PLMN, <+443/TYPE=PLMN@b.net>", "To",
			[]string{"+441/TYPE=PLMN@a.net", "+442/TYPE=PLMN", "+443/TYPE=PLMN@b.net"}},
		{"display names, quoted commas, comments", `To: "Doe, Jane" <+441/TYPE=PLMN@a.net>, Bob (work) <+442/TYPE=PLMN>, +443/TYPE=PLMN (home)`, "To",
			[]string{"+441/TYPE=PLMN@a.net", "+442/TYPE=PLMN", "+443/TYPE=PLMN"}},
		{"IPv6 address is not a group", "To: 2001:db8::1/TYPE=IPv6", "To", []string{"2001:db8::1/TYPE=IPv6"}},
		{"group syntax", "Cc: friends: +441/TYPE=PLMN, +442/TYPE=PLMN;", "Cc", []string{"+441/TYPE=PLMN", "+442/TYPE=PLMN"}},
		{"From with display name", `From: "A" <+447700900123/TYPE=PLMN@a.net>`, "From", "+447700900123/TYPE=PLMN@a.net"},
		{"yes in lower case", "X-Mms-Ack-Request: yes", "AckRequest", true},
		{"yes in upper case", "X-Mms-Delivery-Report: YES", "DeliveryReport", true},
		{"no", "X-Mms-Read-Reply: No", "ReadReply", false},
		{"MM1 name X-Mms-Read-Report", "X-Mms-Read-Report: Yes", "ReadReply", true},
		{"class in lower case", "X-Mms-Message-Class: advertisement", "MessageClass", "Advertisement"},
		{"class Auto", "X-Mms-Message-Class: AUTO", "MessageClass", "Auto"},
		{"class unknown is dropped", "X-Mms-Message-Class: Bulk", "MessageClass", ""},
		{"priority in lower case", "X-Mms-Priority: high", "Priority", "High"},
		{"priority unknown is dropped", "X-Mms-Priority: Urgent", "Priority", ""},
		{"visibility Hide", "X-Mms-Sender-Visibility: hide", "SenderHidden", true},
		{"visibility Show", "X-Mms-Sender-Visibility: Show", "SenderHidden", false},
		{"Originator-System in brackets", "X-Mms-Originator-System: <system-user@a.net>", "OriginatorSystem", "system-user@a.net"},
		{"date without weekday", "Date: 4 Mar 2025 10:15:00 +0000", "Date", date("2025-03-04 10:15:00 +0000")},
		{"date with zone name", "Date: Tue, 4 Mar 2025 10:15:00 GMT", "Date", date("2025-03-04 10:15:00 +0000")},
		{"date unreadable is ignored", "Date: yesterday", "Date", time.Time{}},
		{"subject as raw UTF-8", "Subject: café", "Subject", "café"},
		{"subject as raw ISO-8859-1", "Subject: caf\xe9", "Subject", "café"},
		{"subject UTF-8 B", "Subject: =?UTF-8?B?Y2Fmw6k=?=", "Subject", "café"},
		{"subject ISO-8859-1 Q", "Subject: =?iso-8859-1?q?caf=E9?=", "Subject", "café"},
		{"subject folded", "Subject: one\r\n two", "Subject", "one two"},
		{"subject encoded line break", "Subject: =?UTF-8?Q?a=0D=0Ab?=", "Subject", "a  b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw []byte
			if tt.header == "" {
				raw = withHeaders()
			} else {
				raw = withHeaders(tt.header)
			}
			m, err := Parse(raw, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := reflect.ValueOf(*m).FieldByName(tt.field).Interface()
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

// TestParseMissingTypeIsForward: a mail without X-Mms-Message-Type is an
// MM4_forward.REQ, so plain e-mail reaches handsets.
func TestParseMissingTypeIsForward(t *testing.T) {
	m, err := Parse(crlf("From: a@example.com", "", "hello"), now)
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageType != "MM4_forward.REQ" {
		t.Errorf("MessageType = %q", m.MessageType)
	}
}

// TestParseMIMETolerance: bodies that bend RFC 2045-2047 the way peers do.
func TestParseMIMETolerance(t *testing.T) {
	tests := []struct {
		name        string
		raw         []byte
		contentType string // of the message
		parts       []mms.Part
	}{{
		name:        "single part message is one part",
		raw:         crlf("Content-Type: image/gif", "Content-Transfer-Encoding: base64", "", "R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAkQBADs="),
		contentType: "image/gif",
		parts:       []mms.Part{{ContentType: "image/gif", Data: gif1x1}},
	}, {
		name:        "no Content-Type at all is text/plain",
		raw:         crlf("From: a@example.com", "", "hello"),
		contentType: "text/plain; charset=utf-8",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("hello")}},
	}, {
		name:        "header without body",
		raw:         crlf("From: a@example.com", ""),
		contentType: "text/plain; charset=utf-8",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte{}}},
	}, {
		name:        "boundaries after CRLF and after bare LF in one body",
		raw:         []byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\n--b\n\ntwo\r\n--b--\r\n"),
		contentType: "multipart/mixed",
		parts: []mms.Part{
			{ContentType: "text/plain; charset=utf-8", Data: []byte("one")},
			{ContentType: "text/plain; charset=utf-8", Data: []byte("two")},
		},
	}, {
		name:        "white space after the boundary (transport padding)",
		raw:         crlf("Content-Type: multipart/mixed; boundary=b", "", "--b \t", "", "one", "--b--  ", ""),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("one")}},
	}, {
		name:        "a longer boundary line is content",
		raw:         crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "--bx", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("--bx")}},
	}, {
		name:        "closing boundary at end of input without line break",
		raw:         crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "one", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("one")}},
	}, {
		name:        "part without header or blank line",
		raw:         crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Just text, no header.", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("Just text, no header.")}},
	}, {
		name: "Content-Type parameters broken the usual ways",
		raw: crlf("Content-Type: multipart/related; type=application/smil; start=<s>;; boundary=b;", "",
			"--b", "Content-Type: application/smil;", "Content-ID: s", "", "<smil/>", "--b--"),
		contentType: `multipart/related; start="<s>"; type="application/smil"`,
		parts:       []mms.Part{{ContentType: "application/smil", ContentID: "<s>", Data: []byte("<smil/>")}},
	}, {
		name: "RFC 2231 continued boundary",
		raw: crlf(`Content-Type: multipart/mixed; boundary*0="ab"; boundary*1="cd"`, "",
			"--abcd", "", "one", "--abcd--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("one")}},
	}, {
		name: "nested application/vnd.wap.multipart.related",
		raw: crlf("Content-Type: multipart/mixed; boundary=o", "", "--o",
			`Content-Type: application/vnd.wap.multipart.related; boundary=i; type="application/smil"`, "",
			"--i", "Content-Type: text/plain; charset=utf-8", "", "inner", "--i--", "--o--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("inner")}},
	}, {
		name: "transfer encoding declared on a container is ignored",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "Content-Transfer-Encoding: quoted-printable", "",
			"--b", "", "a=b", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("a=b")}},
	}, {
		name: "base64 with long lines, spaces and no padding",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "", "--b",
			"Content-Type: application/octet-stream", "Content-Transfer-Encoding: Base64", "",
			"  QUJD REVG\tR0g", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "application/octet-stream", Data: []byte("ABCDEFGH")}},
	}, {
		name:        "transfer encoding quoted, with a comment",
		raw:         crlf("Content-Type: application/octet-stream", `Content-Transfer-Encoding: "BASE64" (sic)`, "", "QUJD"),
		contentType: "application/octet-stream",
		parts:       []mms.Part{{ContentType: "application/octet-stream", Data: []byte("ABC")}},
	}, {
		name: "base64 unwrapped on one line of 4000 characters",
		raw: crlf("Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "",
			strings.Repeat("AAAA", 1000)),
		contentType: "application/octet-stream",
		parts:       []mms.Part{{ContentType: "application/octet-stream", Data: make([]byte, 3000)}},
	}, {
		name: "base64 as padded runs in a row",
		raw: crlf("Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "",
			"QQ==", "QkM=", "RA=="),
		contentType: "application/octet-stream",
		parts:       []mms.Part{{ContentType: "application/octet-stream", Data: []byte("ABCD")}},
	}, {
		name: "quoted-printable with an invalid escape keeps it",
		raw: crlf("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
			"100=ZZ sure=3D"),
		contentType: "text/plain; charset=utf-8",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("100=ZZ sure=")}},
	}, {
		name:        "unknown charset: data and label kept",
		raw:         crlf("Content-Type: text/plain; charset=x-martian", "", "abc"),
		contentType: "text/plain; charset=x-martian",
		parts:       []mms.Part{{ContentType: "text/plain; charset=x-martian", Data: []byte("abc")}},
	}, {
		name:        "Windows-1252 text converted",
		raw:         crlf("Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: 8bit", "", "\x93quoted\x94 \x80"),
		contentType: "text/plain; charset=utf-8",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("“quoted” €")}},
	}, {
		name:        "8-bit text without charset that is not UTF-8 is left unlabelled",
		raw:         crlf("Content-Type: text/plain", "", "caf\xe9"),
		contentType: "text/plain",
		parts:       []mms.Part{{ContentType: "text/plain", Data: []byte("caf\xe9")}},
	}, {
		name: "Content-ID quoted, Content-Location quoted, name from Content-Type",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "", "--b",
			`Content-Type: image/gif; name="a b.gif"`, `Content-ID: "<x>"`, `Content-Location: "a b.gif"`, "", "GIF", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: `image/gif; name="a b.gif"`, Name: "a b.gif", ContentLocation: "a b.gif", ContentID: "<x>", Data: []byte("GIF")}},
	}, {
		name: "invalid media type falls back to text/plain",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "", "--b",
			"Content-Type: garbage", "", "x", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "text/plain; charset=utf-8", Data: []byte("x")}},
	}, {
		name: "message/rfc822 is one leaf",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "", "--b",
			"Content-Type: message/rfc822", "", "Subject: inner", "", "body", "--b--"),
		contentType: "multipart/mixed",
		parts:       []mms.Part{{ContentType: "message/rfc822", Data: []byte("Subject: inner\r\n\r\nbody")}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.raw, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := *m
			want.ContentType = tt.contentType
			want.Parts = tt.parts
			compareMessage(t, m, &want)
		})
	}
}
