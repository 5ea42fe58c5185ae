package mmsenc

import (
	"fmt"
	"strconv"
	"strings"
)

// Push wraps body in a connectionless WSP Push PDU (WAP-230-WSP §8.2.4.1):
// TID, PDU type 0x06, a uintvar length of the headers, the Content-Type
// value, the headers, then body. The only header is X-Wap-Application-Id,
// and only when appID is not empty: the minimal "TID 06 03 BE AF 84" form is
// what Android expects for MMS (rule 8).
//
// contentType is any media type with parameters, e.g. MediaMMS or
// "application/vnd.wap.sic"; well-known types go as one octet. appID is a
// registered id such as AppIDMMS (written as its code, 0x84 for mms.ua), a
// number written "0x9051" (an App-assigned-code), or any other URI, written
// as text.
func Push(tid byte, contentType string, appID string, body []byte) ([]byte, error) {
	if contentType == "" {
		return nil, invalidf("push: content type missing")
	}
	var hdr []byte
	var err error
	if hdr, err = appendContentType(hdr, contentType); err != nil {
		return nil, invalidf("push: %v", err)
	}
	if appID != "" {
		if hdr, err = appendAppID(append(hdr, wspApplicationID), appID); err != nil {
			return nil, invalidf("push: X-Wap-Application-Id: %v", err)
		}
	}
	b := make([]byte, 0, 3+5+len(hdr)+len(body))
	b = append(b, tid, pduPush)
	b = appendUintvar(b, uint32(len(hdr)))
	b = append(b, hdr...)
	return append(b, body...), nil
}

func appendAppID(b []byte, appID string) ([]byte, error) {
	code, isCode, err := appCode(appID)
	if err != nil {
		return b, err
	}
	if isCode {
		return appendInteger(b, code), nil
	}
	return appendText(b, appID)
}

// appCode tells whether appID names an application by code: a registered
// name, or "0x" and hexadecimal digits. Neither is a URI (no scheme), so
// reading either as a code never changes the meaning of a real Uri-value.
func appCode(appID string) (code uint64, isCode bool, err error) {
	for i, name := range pushAppIDs {
		if strings.EqualFold(name, appID) {
			return uint64(i), true, nil
		}
	}
	hex, ok := strings.CutPrefix(appID, "0x")
	if !ok {
		return 0, false, nil
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a hexadecimal application code", appID)
	}
	return v, true, nil
}

// appName is the one spelling ParsePush gives an application code.
func appName(code uint64) string {
	if code < uint64(len(pushAppIDs)) {
		return pushAppIDs[code]
	}
	return fmt.Sprintf("0x%X", code)
}

// ParsePush reads what Push writes, and what carriers send: the content type
// may be text, and headers other than X-Wap-Application-Id (Push-Flag,
// Encoding-Version, Content-Length, vendor headers) are stepped over. appID
// is "" when the push has none; body points into b.
func ParsePush(b []byte) (tid byte, contentType string, appID string, body []byte, err error) {
	r := newReader(b)
	if tid, err = r.octet(); err != nil {
		return 0, "", "", nil, within(err, "push TID")
	}
	start := r.pos
	typ, err := r.octet()
	if err != nil {
		return 0, "", "", nil, within(err, "push PDU type")
	}
	if typ != pduPush {
		return 0, "", "", nil, r.failAt(start, "PDU type 0x%02X is not Push (0x06)", typ)
	}
	n, err := r.uintvar()
	if err != nil {
		return 0, "", "", nil, within(err, "push headers length")
	}
	h, err := r.sub(int(n))
	if err != nil {
		return 0, "", "", nil, within(err, "push headers")
	}
	if contentType, err = h.contentType(); err != nil {
		return 0, "", "", nil, within(err, "push Content-Type")
	}
	if appID, err = h.pushHeaders(); err != nil {
		return 0, "", "", nil, err
	}
	return tid, contentType, appID, r.buf[r.pos:r.end:r.end], nil
}

// pushHeaders reads WSP headers to the end of r and returns the first
// X-Wap-Application-Id.
func (r *reader) pushHeaders() (string, error) {
	appID, page := "", byte(1)
	for r.left() > 0 {
		start := r.pos
		c, _ := r.octet()
		switch {
		case c == textQuote:
			p, err := r.octet()
			if err != nil {
				return "", within(err, "code page shift")
			}
			page = p
		case c < 0x20:
			page = c
		case c < shortIntFlag:
			r.pos = start
			if _, err := r.rawText(); err != nil {
				return "", within(err, "application header name")
			}
			if _, err := r.rawText(); err != nil {
				return "", within(err, "application header value")
			}
		case page == 1 && c == wspApplicationID && appID == "":
			id, err := r.appID()
			if err != nil {
				return "", within(err, "X-Wap-Application-Id")
			}
			appID = id
		default:
			if err := r.skipValue(); err != nil {
				return "", within(err, fmt.Sprintf("push header 0x%02X", c))
			}
		}
	}
	return appID, nil
}

func (r *reader) appID() (string, error) {
	if _, err := r.peek(); err != nil {
		return "", err
	}
	if !r.isInteger() {
		start := r.pos
		s, err := r.text()
		if err != nil {
			return "", err
		}
		if s == "" {
			return "", r.failAt(start, "empty application id")
		}
		// A registered name sent as text is the registered application.
		if code, isCode, err := appCode(s); err == nil && isCode {
			return appName(code), nil
		}
		return s, nil
	}
	v, err := r.integer()
	if err != nil {
		return "", err
	}
	return appName(v), nil
}
