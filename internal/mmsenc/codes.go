package mmsenc

import (
	"strconv"
	"strings"
)

// MMS header field codes (OMA-TS-MMS_ENC 1.3 §7.4, mms-encoding.md §3), with
// the Short-integer flag already set: this is the octet on the wire.
const (
	hBcc              = 0x81
	hCc               = 0x82
	hContentLocation  = 0x83
	hContentType      = 0x84
	hDate             = 0x85
	hDeliveryReport   = 0x86
	hExpiry           = 0x88
	hDeliveryTime     = 0x87
	hFrom             = 0x89
	hMessageClass     = 0x8A
	hMessageID        = 0x8B
	hMessageType      = 0x8C
	hMMSVersion       = 0x8D
	hMessageSize      = 0x8E
	hPriority         = 0x8F
	hReadReport       = 0x90
	hReportAllowed    = 0x91
	hResponseStatus   = 0x92
	hResponseText     = 0x93
	hSenderVisibility = 0x94
	hStatus           = 0x95
	hSubject          = 0x96
	hTo               = 0x97
	hTransactionID    = 0x98
	hRetrieveStatus   = 0x99
	hRetrieveText     = 0x9A
	hReadStatus       = 0x9B
)

// Value tokens shared by several headers.
const (
	tokYes            = 0x80
	tokNo             = 0x81
	tokAbsolute       = 0x80 // Expiry and Delivery-Time
	tokRelative       = 0x81
	tokAddressPresent = 0x80 // From
	tokInsertAddress  = 0x81
)

// WSP header codes used in multipart entries and in the push (mms-encoding.md
// §7.4), flag set.
const (
	wspContentLocation = 0x8E
	wspContentID       = 0xC0
	wspApplicationID   = 0xAF
)

// pduPush is the connectionless WSP Push PDU type (WAP-230-WSP §8.2.1).
const pduPush = 0x06

var messageClasses = [...]string{"Personal", "Advertisement", "Informational", "Auto"}

var priorities = [...]string{"Low", "Normal", "High"}

// wellKnownMedia is the WSP content type assignment (WAP-230-WSP Appendix A
// Table 40 and the OMNA registry), index = code. tshark 4.0 knows up to 0x4D
// and names 0x0A and 0x16 after an older draft; AOSP and the OMNA registry
// agree on the names below.
var wellKnownMedia = [...]string{
	0x00: "*/*",
	0x01: "text/*",
	0x02: "text/html",
	0x03: "text/plain",
	0x04: "text/x-hdml",
	0x05: "text/x-ttml",
	0x06: "text/x-vcalendar",
	0x07: "text/x-vcard",
	0x08: "text/vnd.wap.wml",
	0x09: "text/vnd.wap.wmlscript",
	0x0A: "text/vnd.wap.wta-event",
	0x0B: "multipart/*",
	0x0C: "multipart/mixed",
	0x0D: "multipart/form-data",
	0x0E: "multipart/byteranges",
	0x0F: "multipart/alternative",
	0x10: "application/*",
	0x11: "application/java-vm",
	0x12: "application/x-www-form-urlencoded",
	0x13: "application/x-hdmlc",
	0x14: "application/vnd.wap.wmlc",
	0x15: "application/vnd.wap.wmlscriptc",
	0x16: "application/vnd.wap.wta-eventc",
	0x17: "application/vnd.wap.uaprof",
	0x18: "application/vnd.wap.wtls-ca-certificate",
	0x19: "application/vnd.wap.wtls-user-certificate",
	0x1A: "application/x-x509-ca-cert",
	0x1B: "application/x-x509-user-cert",
	0x1C: "image/*",
	0x1D: "image/gif",
	0x1E: "image/jpeg",
	0x1F: "image/tiff",
	0x20: "image/png",
	0x21: "image/vnd.wap.wbmp",
	0x22: "application/vnd.wap.multipart.*",
	0x23: "application/vnd.wap.multipart.mixed",
	0x24: "application/vnd.wap.multipart.form-data",
	0x25: "application/vnd.wap.multipart.byteranges",
	0x26: "application/vnd.wap.multipart.alternative",
	0x27: "application/xml",
	0x28: "text/xml",
	0x29: "application/vnd.wap.wbxml",
	0x2A: "application/x-x968-cross-cert",
	0x2B: "application/x-x968-ca-cert",
	0x2C: "application/x-x968-user-cert",
	0x2D: "text/vnd.wap.si",
	0x2E: "application/vnd.wap.sic",
	0x2F: "text/vnd.wap.sl",
	0x30: "application/vnd.wap.slc",
	0x31: "text/vnd.wap.co",
	0x32: "application/vnd.wap.coc",
	0x33: "application/vnd.wap.multipart.related",
	0x34: "application/vnd.wap.sia",
	0x35: "text/vnd.wap.connectivity-xml",
	0x36: "application/vnd.wap.connectivity-wbxml",
	0x37: "application/pkcs7-mime",
	0x38: "application/vnd.wap.hashed-certificate",
	0x39: "application/vnd.wap.signed-certificate",
	0x3A: "application/vnd.wap.cert-response",
	0x3B: "application/xhtml+xml",
	0x3C: "application/wml+xml",
	0x3D: "text/css",
	0x3E: "application/vnd.wap.mms-message",
	0x3F: "application/vnd.wap.rollover-certificate",
	0x40: "application/vnd.wap.locc+wbxml",
	0x41: "application/vnd.wap.loc+xml",
	0x42: "application/vnd.syncml.dm+wbxml",
	0x43: "application/vnd.syncml.dm+xml",
	0x44: "application/vnd.syncml.notification",
	0x45: "application/vnd.wap.xhtml+xml",
	0x46: "application/vnd.wv.csp.cir",
	0x47: "application/vnd.oma.dd+xml",
	0x48: "application/vnd.oma.drm.message",
	0x49: "application/vnd.oma.drm.content",
	0x4A: "application/vnd.oma.drm.rights+xml",
	0x4B: "application/vnd.oma.drm.rights+wbxml",
	0x4C: "application/vnd.wv.csp+xml",
	0x4D: "application/vnd.wv.csp+wbxml",
	0x4E: "application/vnd.syncml.ds.notification",
	0x4F: "audio/*",
	0x50: "video/*",
	0x51: "application/vnd.oma.dd2+xml",
	0x52: "application/mikey",
}

// Content types an MMSC names. MediaMMS is that of every PDU, and the push
// content type of a notification; the multipart ones are the only bodies
// Android takes in m-retrieve-conf (rule 5).
const (
	MediaMMS                  = "application/vnd.wap.mms-message"
	MediaMultipartMixed       = "application/vnd.wap.multipart.mixed"
	MediaMultipartRelated     = "application/vnd.wap.multipart.related"
	MediaMultipartAlternative = "application/vnd.wap.multipart.alternative"
)

// mediaCode returns the well-known code of a (lower-case) media type.
func mediaCode(media string) (byte, bool) {
	for i, m := range wellKnownMedia {
		if m == media {
			return byte(i), true
		}
	}
	return 0, false
}

// mediaName names a well-known code. An unassigned code still has a body the
// caller may want, so it is named as opaque data rather than refused.
func mediaName(code uint64) string {
	if code < uint64(len(wellKnownMedia)) {
		return wellKnownMedia[code]
	}
	return "application/octet-stream"
}

// Well-known parameter codes (WAP-230-WSP Table 38), flag not set.
const (
	paramQ            = 0x00
	paramCharset      = 0x01
	paramLevel        = 0x02
	paramTypeInt      = 0x03
	paramName         = 0x05
	paramFilename     = 0x06
	paramDifferences  = 0x07
	paramPadding      = 0x08
	paramType         = 0x09
	paramStart        = 0x0A
	paramStartInfo    = 0x0B
	paramComment      = 0x0C
	paramDomain       = 0x0D
	paramMaxAge       = 0x0E
	paramPath         = 0x0F
	paramSecure       = 0x10
	paramSEC          = 0x11
	paramMAC          = 0x12
	paramCreationDate = 0x13
	paramModDate      = 0x14
	paramReadDate     = 0x15
	paramSize         = 0x16
	paramName14       = 0x17
	paramFilename14   = 0x18
	paramStart14      = 0x19
	paramStartInfo14  = 0x1A
	paramComment14    = 0x1B
	paramDomain14     = 0x1C
	paramPath14       = 0x1D
)

// paramNames names the parameters the decoder keeps. Codes not listed
// (Differences, unassigned) are stepped over.
var paramNames = map[uint64]string{
	paramQ: "q", paramCharset: "charset", paramLevel: "level", paramTypeInt: "type",
	paramName: "name", paramFilename: "filename", paramPadding: "padding",
	paramType: "type", paramStart: "start", paramStartInfo: "start-info",
	paramComment: "comment", paramDomain: "domain", paramMaxAge: "max-age",
	paramPath: "path", paramSecure: "secure", paramSEC: "sec", paramMAC: "mac",
	paramCreationDate: "creation-date", paramModDate: "modification-date",
	paramReadDate: "read-date", paramSize: "size",
	paramName14: "name", paramFilename14: "filename", paramStart14: "start",
	paramStartInfo14: "start-info", paramComment14: "comment",
	paramDomain14: "domain", paramPath14: "path",
}

// IANA MIBenum values of the charsets that need special handling.
const (
	mibAny       = 0
	mibASCII     = 3
	mibISO8859_1 = 4
	mibUTF8      = 106
	mibUCS2      = 1000
	mibUTF16BE   = 1013
	mibUTF16LE   = 1014
	mibUTF16     = 1015

	charsetUTF8 = mibUTF8 // as a Short-integer this is the octet 0xEA
)

// charsets maps IANA names to MIBenum values (https://www.iana.org/
// assignments/character-sets). The first name of a value is the one the
// decoder gives.
var charsets = []struct {
	name string
	mib  uint64
}{
	{"us-ascii", 3}, {"ascii", 3},
	{"iso-8859-1", 4}, {"latin1", 4}, {"iso_8859-1", 4},
	{"iso-8859-2", 5}, {"iso-8859-3", 6}, {"iso-8859-4", 7}, {"iso-8859-5", 8},
	{"iso-8859-6", 9}, {"iso-8859-7", 10}, {"iso-8859-8", 11}, {"iso-8859-9", 12},
	{"iso-8859-10", 13}, {"shift_jis", 17}, {"euc-jp", 18}, {"iso-2022-kr", 37},
	{"euc-kr", 38}, {"iso-2022-jp", 39}, {"iso-2022-jp-2", 40},
	{"utf-8", 106}, {"utf8", 106},
	{"iso-8859-13", 109}, {"iso-8859-14", 110}, {"iso-8859-15", 111},
	{"iso-8859-16", 112}, {"gbk", 113}, {"gb18030", 114},
	{"iso-10646-ucs-2", 1000}, {"ucs-2", 1000}, {"iso-10646-ucs-4", 1001},
	{"utf-16be", 1013}, {"utf-16le", 1014}, {"utf-16", 1015}, {"utf-32", 1017},
	{"gb2312", 2025}, {"big5", 2026}, {"koi8-r", 2084}, {"big5-hkscs", 2101},
	{"windows-1250", 2250}, {"windows-1251", 2251}, {"windows-1252", 2252},
	{"windows-1253", 2253}, {"windows-1254", 2254}, {"windows-1255", 2255},
	{"windows-1256", 2256}, {"windows-1257", 2257}, {"windows-1258", 2258},
	{"tis-620", 2259},
}

// unknownMIBPrefix names a charset we have no name for, so that its number
// survives a decode and encode round trip.
const unknownMIBPrefix = "x-mibenum-"

func charsetMIB(name string) (uint64, bool) {
	name = strings.ToLower(name)
	if name == "*" {
		return mibAny, true
	}
	for _, c := range charsets {
		if c.name == name {
			return c.mib, true
		}
	}
	// Only for numbers without a name, so that each number has one spelling.
	if n, ok := strings.CutPrefix(name, unknownMIBPrefix); ok {
		if v, err := strconv.ParseUint(n, 10, 64); err == nil && charsetName(v) == name {
			return v, true
		}
	}
	return 0, false
}

func charsetName(mib uint64) string {
	if mib == mibAny {
		return "*"
	}
	for _, c := range charsets {
		if c.mib == mib {
			return c.name
		}
	}
	return unknownMIBPrefix + strconv.FormatUint(mib, 10)
}

// pushAppIDs are the registered X-Wap-Application-Id values (OMNA push
// application ids, mms-encoding.md §8), index = code.
var pushAppIDs = [...]string{
	"x-wap-application:*",
	"x-wap-application:push.sia",
	"x-wap-application:wml.ua",
	"x-wap-application:wta.ua",
	"x-wap-application:mms.ua",
	"x-wap-application:push.syncml",
	"x-wap-application:loc.ua",
	"x-wap-application:syncml.dm",
	"x-wap-application:drm.ua",
	"x-wap-application:emn.ua",
	"x-wap-application:wv.ua",
}

// AppIDMMS is the application id of MMS notifications.
const AppIDMMS = "x-wap-application:mms.ua"
