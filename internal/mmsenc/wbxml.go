package mmsenc

// WAP Binary XML (WAP-192-WBXML) as far as a Service Indication needs it
// (mms-encoding.md §11). A document is a header (version, public id,
// charset, string table) and a tree of one-octet tokens; mb_u_int32, its
// multi-byte integer, is the WSP uintvar, so the uintvar code serves both.
const (
	wbxmlVersion13 = 0x03 // what EncodeSI writes; 1.3 only clarified 1.2

	// Global tokens, the same on every code page and in both states.
	wbxSwitchPage = 0x00
	wbxEnd        = 0x01
	wbxEntity     = 0x02
	wbxStrI       = 0x03
	wbxStrT       = 0x83
	wbxOpaque     = 0xC3

	// A tag token is its code with these two flags.
	wbxHasAttrs   = 0x80
	wbxHasContent = 0x40
)

// isGlobalToken tells the tokens that are not tags of a code page: every
// octet whose low six bits are 0 to 4 (SWITCH_PAGE, END, ENTITY, STR_I,
// LITERAL and their EXT_*, PI, STR_T, OPAQUE and LITERAL_* companions).
func isGlobalToken(c byte) bool { return c&0x3F <= 0x04 }

// SI 1.0 (WAP-167-ServiceInd §8.3): public id 5 and code page 0.
const (
	publicIDSI      = 0x05
	publicIDSIText  = "-//WAPFORUM//DTD SI 1.0//EN" // the same id given as a string
	siTagSI         = 0x05
	siTagIndication = 0x06
	siTagInfo       = 0x07
	siTagItem       = 0x08

	siAttrCreated   = 0x0A
	siAttrHref      = 0x0B
	siAttrSIExpires = 0x10
	siAttrSIID      = 0x11
)

// siAttrStart is what an attribute start token means: the attribute's name
// and the start of its value.
type siAttrStart struct{ name, prefix string }

var siAttrStarts = map[byte]siAttrStart{
	0x05:            {"action", "signal-none"},
	0x06:            {"action", "signal-low"},
	0x07:            {"action", "signal-medium"},
	0x08:            {"action", "signal-high"},
	0x09:            {"action", "delete"},
	siAttrCreated:   {"created", ""},
	siAttrHref:      {"href", ""},
	0x0C:            {"href", "http://"},
	0x0D:            {"href", "http://www."},
	0x0E:            {"href", "https://"},
	0x0F:            {"href", "https://www."},
	siAttrSIExpires: {"si-expires", ""},
	siAttrSIID:      {"si-id", ""},
	0x12:            {"class", ""},
}

// hrefStarts are the href start tokens, longest prefix first so that the
// first match is the one that saves most.
var hrefStarts = []struct {
	token  byte
	prefix string
}{{0x0F, "https://www."}, {0x0D, "http://www."}, {0x0E, "https://"}, {0x0C, "http://"}}

// siAttrValues are the value tokens of code page 0, usable anywhere in an
// attribute value.
var siAttrValues = map[byte]string{0x85: ".com/", 0x86: ".edu/", 0x87: ".net/", 0x88: ".org/"}

// siActions are the action values, by the attribute start token that
// carries each one whole.
var siActions = map[string]byte{
	"signal-none": 0x05, "signal-low": 0x06, "signal-medium": 0x07, "signal-high": 0x08, "delete": 0x09,
}
