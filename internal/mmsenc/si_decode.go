package mmsenc

import (
	"strings"
	"time"
)

// DecodeSI reads a WBXML Service Indication, the inverse of EncodeSI, for
// tests and for whoever receives one. Beyond what EncodeSI writes it
// accepts WBXML 1.1 and 1.2, the public id given as a string, the US-ASCII
// and ISO-8859-1 charsets, a string table (STR_T), character entities,
// any split of a value into strings and tokens, dates with their trailing
// zero octets or as inline text ("2007-05-08T09:18:32Z"), and an <info>
// element, which it reads and drops. An action given as signal-medium
// comes back as "signal-medium", an absent one as "".
//
// Everything else the SI DTD does not allow is refused: other tags,
// attributes, code pages or charsets, literal names, extensions,
// processing instructions, duplicate attributes, trailing octets. Errors
// wrap ErrMalformed with the offset in b; no input makes it panic.
func DecodeSI(b []byte) (SI, error) {
	d, err := readWBXMLHeader(b)
	if err != nil {
		return SI{}, err
	}
	root, err := d.element(0)
	if err != nil {
		return SI{}, err
	}
	if d.r.left() > 0 {
		return SI{}, d.r.failAt(d.r.pos, "%d octets after </si>", d.r.left())
	}
	switch {
	case len(root.attrs) > 0:
		return SI{}, d.r.failAt(root.attrs[0].at, "si has no attributes")
	case strings.TrimSpace(string(root.text)) != "":
		return SI{}, d.r.failAt(root.at, "text directly inside si")
	case len(root.children) == 0 || root.children[0].tag != siTagIndication:
		return SI{}, d.r.failAt(root.at, "si does not start with an indication")
	}
	for _, c := range root.children[1:] {
		if c.tag == siTagIndication {
			return SI{}, d.r.failAt(c.at, "a second indication")
		}
	}
	if len(root.children) > 2 {
		return SI{}, d.r.failAt(root.children[2].at, "a second info")
	}
	return d.indication(root.children[0])
}

func (d *wbxmlDoc) indication(e *wbxmlElement) (SI, error) {
	si := SI{Text: string(e.text)}
	for _, a := range e.attrs {
		if a.name == "created" || a.name == "si-expires" {
			t, err := d.dateAttr(a)
			if err != nil {
				return SI{}, err
			}
			if a.name == "created" {
				si.Created = t
			} else {
				si.Expires = t
			}
			continue
		}
		if len(a.opaque) > 0 {
			return SI{}, d.r.failAt(a.at, "%s with OPAQUE data", a.name)
		}
		switch v := string(a.text); a.name {
		case "href":
			si.Href = v
		case "si-id":
			si.SIID = v
		case "action":
			if _, ok := siActions[v]; !ok {
				return SI{}, d.r.failAt(a.at, "action %q", v)
			}
			si.Action = v
		default:
			return SI{}, d.r.failAt(a.at, "%s is not an attribute of indication", a.name)
		}
	}
	return si, nil
}

// dateAttr reads created or si-expires: one OPAQUE, or text.
func (d *wbxmlDoc) dateAttr(a wbxmlAttr) (time.Time, error) {
	switch {
	case len(a.opaque) == 1 && a.pieces == 0:
		t, err := parseSIDate(a.opaque[0])
		if err != nil {
			return time.Time{}, d.r.failAt(a.at, "%s: %v", a.name, err)
		}
		return t, nil
	case len(a.opaque) == 0 && a.pieces > 0:
		t, err := time.Parse(siDateText, string(a.text))
		// time.Parse takes fractions of a second and year 0, which the
		// OPAQUE form could not give back.
		if err != nil || t.Nanosecond() != 0 || t.Year() < 1 || t.IsZero() {
			return time.Time{}, d.r.failAt(a.at, "%s %q is not a date", a.name, a.text)
		}
		return t, nil
	}
	return time.Time{}, d.r.failAt(a.at, "%s is not one OPAQUE date", a.name)
}
