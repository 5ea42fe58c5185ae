package mmsenc

import (
	"bytes"
	"unicode/utf8"
)

// A WBXML reader for the SI code page: it turns the tokens into a small
// tree of elements whose attribute values and text are already strings,
// and leaves the meaning of the tree to DecodeSI. Every token consumes at
// least one octet and nesting follows the SI DTD, so time and depth are
// bounded by the input.

type wbxmlDoc struct {
	r       *reader
	charset uint32
	table   []byte // the string table, for STR_T
}

type wbxmlElement struct {
	tag      byte
	at       int // offset of the tag token, for errors
	attrs    []wbxmlAttr
	text     []byte
	children []*wbxmlElement
}

type wbxmlAttr struct {
	name   string
	at     int
	text   []byte // the prefix of its start token, then strings and value tokens
	pieces int    // strings, entities and value tokens after the start token
	opaque [][]byte
}

// readWBXMLHeader reads version, public id, charset and string table, and
// checks that the document is an SI.
func readWBXMLHeader(b []byte) (*wbxmlDoc, error) {
	d := &wbxmlDoc{r: newReader(b)}
	r := d.r
	v, err := r.octet()
	if err != nil {
		return nil, within(err, "WBXML version")
	}
	// 1.0 had no charset field; 1.1 to 1.3 share this header.
	if v < 0x01 || v > wbxmlVersion13 {
		return nil, r.failAt(0, "WBXML version %d.%d, not 1.1 to 1.3", v>>4+1, v&0x0F)
	}
	pub, err := r.uintvar()
	if err != nil {
		return nil, within(err, "WBXML public id")
	}
	pubIndex := uint32(0)
	if pub == 0 { // the id is a string in the table
		if pubIndex, err = r.uintvar(); err != nil {
			return nil, within(err, "WBXML public id index")
		}
	}
	charsetAt := r.pos
	if d.charset, err = r.uintvar(); err != nil {
		return nil, within(err, "WBXML charset")
	}
	switch d.charset {
	case mibUTF8, mibASCII, mibISO8859_1:
	default:
		return nil, r.failAt(charsetAt, "charset %d (%s): only UTF-8, US-ASCII and ISO-8859-1 are read", d.charset, charsetName(uint64(d.charset)))
	}
	n, err := r.uintvar()
	if err != nil {
		return nil, within(err, "WBXML string table length")
	}
	tableAt := r.pos
	if d.table, err = r.octets(int(n)); err != nil {
		return nil, within(err, "WBXML string table")
	}
	if pub == 0 {
		id, err := d.tableString(pubIndex, tableAt)
		if err != nil {
			return nil, within(err, "WBXML public id")
		}
		if id != publicIDSIText {
			return nil, r.failAt(1, "public id %q is not SI 1.0", id)
		}
	} else if pub != publicIDSI {
		return nil, r.failAt(1, "public id %d is not SI 1.0 (5)", pub)
	}
	return d, nil
}

// siMayContain is the SI DTD's nesting: si (indication, info?),
// info (item+); indication and item hold text only.
func siMayContain(parent, child byte) bool {
	switch parent {
	case siTagSI:
		return child == siTagIndication || child == siTagInfo
	case siTagInfo:
		return child == siTagItem
	}
	return false
}

// element reads one element; parent is 0 for the root.
func (d *wbxmlDoc) element(parent byte) (*wbxmlElement, error) {
	r := d.r
	c, at, err := d.token()
	if err != nil {
		return nil, within(err, "tag")
	}
	code := c & 0x3F
	switch {
	case isGlobalToken(c):
		return nil, r.failAt(at, "token 0x%02X where a tag was expected", c)
	case code < siTagSI || code > siTagItem:
		return nil, r.failAt(at, "tag 0x%02X is not on the SI code page", code)
	case parent == 0 && code != siTagSI:
		return nil, r.failAt(at, "the root is tag 0x%02X, not si", code)
	case parent != 0 && !siMayContain(parent, code):
		return nil, r.failAt(at, "tag 0x%02X inside tag 0x%02X", code, parent)
	}
	e := &wbxmlElement{tag: code, at: at}
	if c&wbxHasAttrs != 0 {
		if err := d.attributes(e); err != nil {
			return nil, err
		}
	}
	if c&wbxHasContent != 0 {
		if err := d.content(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (d *wbxmlDoc) content(e *wbxmlElement) error {
	r := d.r
	for {
		c, at, err := d.token()
		if err != nil {
			return within(err, "element content")
		}
		switch {
		case c == wbxEnd:
			return nil
		case c == wbxStrI || c == wbxStrT || c == wbxEntity:
			s, err := d.str(c)
			if err != nil {
				return err
			}
			e.text = append(e.text, s...)
		case isGlobalToken(c):
			return r.failAt(at, "token 0x%02X in element content is not used by SI", c)
		default:
			r.pos = at
			child, err := d.element(e.tag)
			if err != nil {
				return err
			}
			e.children = append(e.children, child)
		}
	}
}

func (d *wbxmlDoc) attributes(e *wbxmlElement) error {
	r := d.r
	var cur *wbxmlAttr
	for {
		c, at, err := d.token()
		if err != nil {
			return within(err, "attribute list")
		}
		switch {
		case c == wbxEnd:
			return nil
		case c < 0x80 && !isGlobalToken(c): // an attribute start
			start, ok := siAttrStarts[c]
			if !ok {
				return r.failAt(at, "attribute start 0x%02X is not on the SI code page", c)
			}
			for _, a := range e.attrs {
				if a.name == start.name {
					return r.failAt(at, "attribute %s given twice", start.name)
				}
			}
			e.attrs = append(e.attrs, wbxmlAttr{name: start.name, at: at})
			cur = &e.attrs[len(e.attrs)-1]
			cur.text = append(cur.text, start.prefix...)
			continue
		case isGlobalToken(c) && c != wbxStrI && c != wbxStrT && c != wbxEntity && c != wbxOpaque:
			return r.failAt(at, "token 0x%02X in an attribute list is not used by SI", c)
		case cur == nil:
			return r.failAt(at, "attribute value token 0x%02X before any attribute", c)
		case c == wbxStrI || c == wbxStrT || c == wbxEntity:
			s, err := d.str(c)
			if err != nil {
				return err
			}
			cur.text = append(cur.text, s...)
		case c == wbxOpaque:
			n, err := r.uintvar()
			if err != nil {
				return within(err, "OPAQUE length")
			}
			o, err := r.octets(int(n))
			if err != nil {
				return within(err, "OPAQUE")
			}
			cur.opaque = append(cur.opaque, o)
			continue
		default:
			v, ok := siAttrValues[c]
			if !ok {
				return r.failAt(at, "attribute value token 0x%02X is not on the SI code page", c)
			}
			cur.text = append(cur.text, v...)
		}
		cur.pieces++
	}
}

// token reads the next token, stepping over switches to code page 0, the
// only page SI has.
func (d *wbxmlDoc) token() (c byte, at int, err error) {
	r := d.r
	for {
		at = r.pos
		if c, err = r.octet(); err != nil || c != wbxSwitchPage {
			return c, at, err
		}
		page, err := r.octet()
		if err != nil {
			return 0, at, within(err, "SWITCH_PAGE")
		}
		if page != 0 {
			return 0, at, r.failAt(at, "code page %d: SI has only page 0", page)
		}
	}
}

// str reads the string a STR_I, STR_T or ENTITY token (already read)
// stands for, converted from the document's charset.
func (d *wbxmlDoc) str(c byte) (string, error) {
	r := d.r
	at := r.pos
	switch c {
	case wbxEntity:
		v, err := r.uintvar()
		if err != nil {
			return "", within(err, "ENTITY")
		}
		if v == 0 || !utf8.ValidRune(rune(v)) {
			return "", r.failAt(at, "ENTITY %d is not a character", v)
		}
		return string(rune(v)), nil
	case wbxStrT:
		off, err := r.uintvar()
		if err != nil {
			return "", within(err, "STR_T")
		}
		return d.tableString(off, at)
	}
	s, err := r.rawText()
	if err != nil {
		return "", within(err, "STR_I")
	}
	return d.decode(s, at)
}

// tableString is the string at off in the string table; at is where the
// reference was, for errors.
func (d *wbxmlDoc) tableString(off uint32, at int) (string, error) {
	if off >= uint32(len(d.table)) {
		return "", d.r.failAt(at, "string table offset %d outside its %d octets", off, len(d.table))
	}
	i := bytes.IndexByte(d.table[off:], 0)
	if i < 0 {
		return "", d.r.failAt(at, "string at table offset %d has no NUL", off)
	}
	return d.decode(d.table[off:off+uint32(i)], at)
}

func (d *wbxmlDoc) decode(s []byte, at int) (string, error) {
	switch d.charset {
	case mibISO8859_1:
		return decodeCharset(mibISO8859_1, s), nil
	case mibASCII:
		for i, c := range s {
			if c >= 0x80 {
				return "", d.r.failAt(at+i, "octet 0x%02X in a US-ASCII document", c)
			}
		}
	default:
		if !utf8.Valid(s) {
			return "", d.r.failAt(at, "string %q is not valid UTF-8", s)
		}
	}
	return string(s), nil
}
