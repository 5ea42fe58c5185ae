package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// nested returns a message of depth multipart/mixed containers, one inside
// the other, around a single text part.
func nested(depth int) []byte {
	var b bytes.Buffer
	b.WriteString("Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 0; i < depth-1; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	fmt.Fprintf(&b, "--b%d\r\n\r\ndeep\r\n", depth-1)
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.Bytes()
}

// manyParts returns a multipart/mixed message with n empty text parts.
func manyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := 0; i < n; i++ {
		b.WriteString("--b\r\n\r\nx\r\n")
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

// TestParseMalformed: what cannot be decoded without guessing is refused,
// permanently, with a reason that fits an SMTP reply.
func TestParseMalformed(t *testing.T) {
	bigHeader := "X-Filler: " + strings.Repeat("a", 1<<20) + "\r\n"
	tests := []struct {
		name string
		raw  []byte
		want string // the whole error text
	}{{
		name: "empty message",
		raw:  []byte("\r\n"),
		want: `malformed MIME: empty message`,
	}, {
		name: "declared boundary never found",
		raw:  crlf("Content-Type: multipart/mixed; boundary=abc", "", "--abd", "", "x", "--abd--"),
		want: `malformed MIME: declared boundary "abc" never found`,
	}, {
		name: "nested boundary never found",
		raw: crlf("Content-Type: multipart/mixed; boundary=o", "", "--o", "", "text", "--o",
			"Content-Type: multipart/related; boundary=abc", "", "no delimiter here", "--o--"),
		want: `malformed MIME: part 2: declared boundary "abc" never found`,
	}, {
		name: "closing boundary missing",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "one", "--b", "", "two, and then the mail ends"),
		want: `malformed MIME: part 2: closing boundary "b" missing (truncated part)`,
	}, {
		name: "truncated inside a part header",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "one", "--b", "Content-Type: text/pl"),
		want: `malformed MIME: part 2: closing boundary "b" missing (truncated part)`,
	}, {
		name: "truncated right after a delimiter",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "one", "--b"),
		want: `malformed MIME: part 2: closing boundary "b" missing (truncated part)`,
	}, {
		name: "nested closing boundary missing",
		raw: crlf("Content-Type: multipart/mixed; boundary=o", "", "--o",
			"Content-Type: multipart/related; boundary=i", "", "--i", "", "one", "--i", "", "two", "--o--"),
		want: `malformed MIME: part 1.2: closing boundary "i" missing (truncated part)`,
	}, {
		name: "multipart without parts",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b--"),
		want: `malformed MIME: multipart has no body parts`,
	}, {
		name: "multipart without boundary parameter",
		raw:  crlf("Content-Type: multipart/mixed", "", "--b", "", "x", "--b--"),
		want: `malformed MIME: multipart/mixed without boundary parameter`,
	}, {
		name: "WAP multipart without boundary parameter",
		raw:  crlf("Content-Type: application/vnd.wap.multipart.related; type=application/smil", "", "x"),
		want: `malformed MIME: multipart/related without boundary parameter`,
	}, {
		name: "nested multipart without boundary",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: multipart/alternative", "", "x", "--b--"),
		want: `malformed MIME: part 1: multipart/alternative without boundary parameter`,
	}, {
		name: "boundary over 256 characters",
		raw:  crlf("Content-Type: multipart/mixed; boundary="+strings.Repeat("b", 257), "", "x"),
		want: `malformed MIME: boundary longer than 256 characters`,
	}, {
		name: "invalid character in base64",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "text", "--b",
			"Content-Type: image/gif", "Content-Transfer-Encoding: base64", "", "R0lG!DlhAQAB", "--b--"),
		want: `malformed MIME: part 2: undecodable base64: character '!' at offset 4`,
	}, {
		name: "base64 padding in the middle of a run",
		raw:  crlf("Content-Type: image/gif", "Content-Transfer-Encoding: base64", "", "QU=JD"),
		want: `malformed MIME: undecodable base64: bad length or padding near offset 3`,
	}, {
		name: "base64 that stops mid-quantum before padding",
		raw:  crlf("Content-Type: image/gif", "Content-Transfer-Encoding: base64", "", "QUJDR=="),
		want: `malformed MIME: undecodable base64: bad length or padding near offset 5`,
	}, {
		name: "unknown transfer encoding",
		raw:  crlf("Content-Type: image/gif", "Content-Transfer-Encoding: x-uuencode", "", "begin 644 a.gif"),
		want: `malformed MIME: unknown Content-Transfer-Encoding "x-uuencode"`,
	}, {
		name: "message header block over 1 MB",
		raw:  []byte("Subject: big\r\n" + bigHeader + "\r\nbody"),
		want: `malformed MIME: header block over 1 MB`,
	}, {
		name: "message header over 1 MB that never ends",
		raw:  []byte("Subject: big\r\n" + bigHeader),
		want: `malformed MIME: header block over 1 MB`,
	}, {
		name: "part header block over 1 MB",
		raw:  []byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + bigHeader + "\r\nx\r\n--b--\r\n"),
		want: `malformed MIME: part 1: header block over 1 MB`,
	}, {
		name: "bad line in the message header",
		raw:  crlf("Subject: ok", "this line has no colon", "", "body"),
		want: `malformed MIME: bad header line "this line has no colon"`,
	}, {
		name: "message header starting with white space",
		raw:  crlf(" Subject: ok", "", "body"),
		want: `malformed MIME: bad header initial line "Subject: ok"`,
	}, {
		name: "bad line in a part header",
		raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "oops", "", "x", "--b--"),
		want: `malformed MIME: part 1: bad header line "oops"`,
	}, {
		// Every answer and forward quotes it again: it must survive that.
		name: "X-Mms-Message-ID with a quote inside",
		raw:  crlf(`X-Mms-Message-ID: "abc"def"`, "", "body"),
		want: `malformed MIME: X-Mms-Message-ID "abc\"def": want printable ASCII without quotes`,
	}, {
		name: "X-Mms-Transaction-ID with a control character",
		raw:  crlf("X-Mms-Transaction-ID: \"t\x01x\"", "", "body"),
		want: `malformed MIME: X-Mms-Transaction-ID "t\x01x": want printable ASCII without quotes`,
	}, {
		name: "X-Mms-Message-ID that is not ASCII",
		raw:  crlf("X-Mms-Message-ID: <id-é>", "", "body"),
		want: `malformed MIME: X-Mms-Message-ID "id-é": want printable ASCII without quotes`,
	}, {
		name: "nesting deeper than 20 levels",
		raw:  nested(21),
		want: `malformed MIME: multipart nesting deeper than 20 levels`,
	}, {
		name: "more than 1000 parts",
		raw:  manyParts(1000),
		want: `malformed MIME: more than 1000 MIME parts`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.raw, now)
			if err == nil {
				t.Fatalf("Parse succeeded with %d parts, want %q", len(m.Parts), tt.want)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %q does not wrap ErrMalformed", err)
			}
			checkReplyable(t, err)
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestParseLimitsAreInclusive: exactly at a limit is still fine.
func TestParseLimitsAreInclusive(t *testing.T) {
	for name, raw := range map[string][]byte{
		"20 levels":  nested(20),
		"999 leaves": manyParts(999), // plus the container: 1000 entities
	} {
		if _, err := Parse(raw, now); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestParseUnsupportedType: responses and reports are not forward requests.
func TestParseUnsupportedType(t *testing.T) {
	for _, typ := range []string{
		"MM4_forward.RES",
		"MM4_delivery_report.REQ",
		"mm4_read_reply_report.req",
		"m-send-req",
	} {
		t.Run(typ, func(t *testing.T) {
			_, err := Parse(withHeaders("X-Mms-Message-Type: "+typ), now)
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

// TestParseErrorTextIsOneLine: whatever the input quotes into the reason,
// the text stays one short printable line.
func TestParseErrorTextIsOneLine(t *testing.T) {
	for _, raw := range [][]byte{
		withHeaders("X-Mms-Message-Type: MM4_forward.RES\x01\x7f" + strings.Repeat("x", 500)),
		crlf("Content-Type: multipart/mixed; boundary=\"a\tb\"", "", "x"),
		crlf("Content-Type: text/plain", "bad\x00line"+strings.Repeat("é", 400), "", "x"),
		crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "\xff\xfe: x", "oops\r", "", "--b--"),
	} {
		_, err := Parse(raw, now)
		if err == nil {
			t.Fatalf("Parse(%q) succeeded", raw)
		}
		checkReplyable(t, err)
	}
}

// checkReplyable asserts what the SMTP server relies on: permanent, one
// line, printable, short enough for a reply.
func checkReplyable(t *testing.T, err error) {
	t.Helper()
	if !mms.IsPermanent(err) {
		t.Errorf("error %q is not permanent", err)
	}
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("error %q wraps neither sentinel", err)
	}
	s := err.Error()
	if strings.ContainsAny(s, "\r\n") {
		t.Errorf("error %q has a line break", s)
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			t.Errorf("error %q has control character %U", s, r)
		}
	}
	if len(s) > 400 {
		t.Errorf("error is %d bytes long", len(s))
	}
}
