package mmsenc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPush(t *testing.T) {
	body := []byte{0x8c, 0x82}
	for _, c := range []struct {
		tid     byte
		ct, app string
		wire    string
	}{
		{1, MediaMMS, AppIDMMS, "01 06 03 be af 84 8c 82"},
		{0xff, MediaMMS, "", "ff 06 01 be 8c 82"},
		{2, "application/vnd.wap.sic", "x-wap-application:wml.ua", "02 06 03 ae af 82 8c 82"},
		{2, "application/vnd.wap.sic; charset=utf-8", "", "02 06 04 03 ae 81 ea 8c 82"},
		{3, "application/vnd.wap.slc", "X-WAP-Application:MMS.UA", "03 06 03 b0 af 84 8c 82"},
		{4, "application/vnd.wap.emn+wbxml", "0x9051", "04 06 22 " + fmt.Sprintf("% x", "application/vnd.wap.emn+wbxml") + " 00 af 02 90 51 8c 82"},
		{5, MediaMMS, "urn:example:app", "05 06 12 be af " + fmt.Sprintf("% x", "urn:example:app") + " 00 8c 82"},
	} {
		got, err := Push(c.tid, c.ct, c.app, body)
		if err != nil || !bytes.Equal(got, mustHex(t, c.wire)) {
			t.Errorf("Push(%d, %q, %q) = % x, %v\nwant %s", c.tid, c.ct, c.app, got, err, c.wire)
			continue
		}
		tid, ct, app, b, err := ParsePush(got)
		wantApp := c.app
		if strings.EqualFold(wantApp, AppIDMMS) {
			wantApp = AppIDMMS
		}
		if err != nil || tid != c.tid || ct != c.ct || app != wantApp || !bytes.Equal(b, body) {
			t.Errorf("ParsePush(% x) = %#x %q %q % x %v", got, tid, ct, app, b, err)
		}
	}
	for _, c := range []struct{ ct, app, err string }{
		{"", AppIDMMS, "push: content type missing"},
		{"mms", AppIDMMS, `push: content type "mms" is not type/subtype`},
		{MediaMMS, "0xZZ", `push: X-Wap-Application-Id: "0xZZ" is not a hexadecimal application code`},
		{MediaMMS, "\x01", "push: X-Wap-Application-Id: \"\\x01\" starts with control character"},
	} {
		if _, err := Push(1, c.ct, c.app, nil); err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Push(%q, %q): %v, want %q", c.ct, c.app, err, c.err)
		}
	}
}

// Carriers add Push-Flag, Encoding-Version, Content-Length and vendor
// headers, and spell the content type out; none of it may get in the way.
func TestParsePushFromTheField(t *testing.T) {
	ct := fmt.Sprintf("% x", MediaMMS)
	for _, c := range []struct{ wire, ct, app string }{
		{"07 06 09 be b4 86 c3 93 8d 02 01 00 8c", MediaMMS, ""},
		{"07 06 09 be b4 86 af 84 c3 93 af 82 8c", MediaMMS, AppIDMMS},
		{"07 06 22 " + ct + " 00 af 84 8c", MediaMMS, AppIDMMS},
		{"07 06 09 be 58 2d 41 00 62 00 af 84 8c", MediaMMS, AppIDMMS},
		{"07 06 06 be 7f 02 af 84 01 8c", MediaMMS, ""},
		{"07 06 05 be af 02 01 88 8c", MediaMMS, "0x188"},
		// Registered names and codes spelled as text are the same application.
		{"07 06 1b be af 58 2d 57 41 50 2d 41 50 50 4c 49 43 41 54 49 4f 4e 3a 4d 4d 53 2e 55 41 00 8c", MediaMMS, AppIDMMS},
		{"07 06 07 be af 30 78 30 34 00 8c", MediaMMS, AppIDMMS},
	} {
		tid, gotCT, app, body, err := ParsePush(mustHex(t, c.wire))
		if err != nil || tid != 7 || gotCT != c.ct || app != c.app || !bytes.Equal(body, []byte{0x8c}) {
			t.Errorf("ParsePush(%s) = %#x %q %q % x %v", c.wire, tid, gotCT, app, body, err)
		}
	}
}
