package smpp

import (
	"sort"
	"strings"
)

// Receipt is an SMSC delivery receipt for one submitted SMS.
type Receipt struct {
	MessageID string // the id submit_sm_resp returned for the segment
	Stat      string // DELIVRD, UNDELIV, EXPIRED, DELETED, ACCEPTD, REJECTD, UNKNOWN, ENROUTE
	Err       string // network-specific error code, "000" when none
	From      string // source_addr of the deliver_sm: the handset the SMS went to
	To        string // destination_addr: our original source address
	Raw       string // the receipt text as received
}

// ParseReceipt reads a delivery receipt text. Keys are matched without
// regard to case or order, each at the start of the text or after a space;
// a value runs to the next key. Unknown layouts yield empty fields, never
// an error or a panic: a receipt is advice, not a command.
func ParseReceipt(text string) Receipt {
	// The keys of the de-facto receipt text (SMPP v3.4 Appendix B):
	// "id:X sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm
	// stat:DELIVRD err:000 text:...". The ones not kept still end the value
	// before them.
	fields := [...]string{"id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"}
	r := Receipt{Raw: text}
	lower := asciiCase(text, 'A', 'Z')

	type hit struct{ key, start, value int }
	var hits []hit
	for k, name := range fields {
		if i := findKey(lower, name+":"); i >= 0 {
			hits = append(hits, hit{key: k, start: i, value: i + len(name) + 1})
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].start < hits[b].start })

	for n, h := range hits {
		end := len(text)
		if n+1 < len(hits) {
			end = hits[n+1].start
		}
		v := ""
		if h.value <= end {
			v = strings.TrimSpace(text[h.value:end])
		}
		switch fields[h.key] {
		case "id":
			r.MessageID = v
		case "stat":
			r.Stat = asciiCase(v, 'a', 'z')
		case "err":
			r.Err = v
		}
	}
	return r
}

// findKey returns where key first occurs at the start of s or after
// whitespace, or -1. The boundary keeps "id:" from matching inside a
// vendor key such as "msgid:".
func findKey(s, key string) int {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], key)
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n' || s[i-1] == '\r' {
			return i
		}
		off = i + 1
	}
	return -1
}

// asciiCase flips the case of the ASCII letters from..to only.
// strings.ToLower and ToUpper can change the length of invalid or
// non-ASCII text, and offsets found in the folded copy must be valid in
// the original.
func asciiCase(s string, from, to byte) string {
	b := []byte(s)
	for i, c := range b {
		if from <= c && c <= to {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}
