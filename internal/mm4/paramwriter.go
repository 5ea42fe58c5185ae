package mm4

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// maxQuoted bounds a parameter value written as a quoted string; longer
// ones go as RFC 2231 continuations, which fold.
const maxQuoted = 200

// formatMediaTypeFolding formats a Content-Type or Content-Disposition
// value that every reader gets back exactly and that folds within 76
// characters: the standard formatter writes a long or non-ASCII value as
// one unbreakable word, which can overflow a header line.
func formatMediaTypeFolding(typ string, params map[string]string) string {
	var b strings.Builder
	b.WriteString(typ)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		b.WriteString(formatParam(k, params[k]))
	}
	return b.String()
}

// formatParam formats one parameter as "; key=value": a token bare, other
// plain ASCII quoted, and anything else (non-ASCII, control characters,
// space at either end or doubled, which unfolding can change, or a long
// value) as an RFC 2231 extended value in UTF-8, cut into continuations.
func formatParam(key, value string) string {
	switch {
	case mimebody.IsToken(value) && len(value) <= maxQuoted:
		return "; " + key + "=" + value
	case printableASCII(value, true) && len(value) <= maxQuoted &&
		!strings.Contains(value, "  ") && value == strings.TrimSpace(value):
		return "; " + key + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
	}
	enc := percentEncode(value)
	if single := " " + key + "*=utf-8''" + enc + ";"; len(single) <= maxLineChars {
		return ";" + single[:len(single)-1]
	}
	var b strings.Builder
	for n := 0; enc != ""; n++ {
		prefix := " " + key + "*" + strconv.Itoa(n) + "*="
		if n == 0 {
			prefix += "utf-8''"
		}
		// Each continuation on a line of its own after folding, ";" included.
		cut := min(max(maxLineChars-len(prefix)-1, 12), len(enc))
		// Never split a %XX escape.
		if i := strings.LastIndexByte(enc[:cut], '%'); i >= 0 && i+3 > cut {
			cut = i
		}
		b.WriteString(";" + prefix + enc[:cut])
		enc = enc[cut:]
	}
	return b.String()
}

// percentEncode escapes every byte that is not an RFC 2231 attribute-char.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
