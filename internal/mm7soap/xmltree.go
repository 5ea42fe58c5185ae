package mm7soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Limits on the XML of one request: real ones have a few dozen elements.
const (
	maxDepth = 32
	maxNodes = 10000
)

// node is one XML element, named by its local name; its namespace is kept
// for answering in it, never for finding it.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         string
	kids         []*node
}

// parseXML reads a document into a tree of elements.
func parseXML(b []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "iso_8859-1":
			return charmap.ISO8859_1.NewDecoder().Reader(r), nil
		case "us-ascii", "ascii", "utf-8", "utf8":
			return r, nil
		}
		return nil, fmt.Errorf("charset %q is not read here", label)
	}
	var root *node
	var stack []*node
	var text []*strings.Builder // a slice of Builders would copy them as it grows
	count := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxNodes || len(stack) >= maxDepth {
				return nil, errors.New("too many or too deeply nested elements")
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
			text = append(text, new(strings.Builder))
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1].Write(t)
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(text[len(text)-1].String())
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		}
	}
	if root == nil {
		return nil, errors.New("no element")
	}
	return root, nil
}

// child is the first child element called local, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// value is the text of the first child called local, "" without one.
func (n *node) value(local string) string {
	if c := n.child(local); c != nil {
		return c.text
	}
	return ""
}

// attr is the value of the attribute called local, whatever its prefix.
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// first is the first child element, or nil.
func (n *node) first() *node {
	if n == nil || len(n.kids) == 0 {
		return nil
	}
	return n.kids[0]
}
