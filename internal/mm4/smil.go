package mm4

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// smilItem is one part as the presentation refers to it.
type smilItem struct {
	src       string // Content-Location of the part
	mediaType string
}

// slot is the place a part takes on a slide: a slide shows at most one
// image or video, plays at most one audio clip and shows one text.
func (it smilItem) slot() string {
	switch {
	case strings.HasPrefix(it.mediaType, "image/"), strings.HasPrefix(it.mediaType, "video/"):
		return "visual"
	case strings.HasPrefix(it.mediaType, "audio/"):
		return "audio"
	case strings.HasPrefix(it.mediaType, "text/"):
		return "text"
	}
	return "other"
}

// element writes the SMIL 2.0 Basic element for the part (OMA MMS CONF §8).
func (it smilItem) element(b *bytes.Buffer) {
	tag, region := "ref", ""
	switch {
	case strings.HasPrefix(it.mediaType, "image/"):
		tag, region = "img", "Image"
	case strings.HasPrefix(it.mediaType, "video/"):
		tag, region = "video", "Image"
	case strings.HasPrefix(it.mediaType, "audio/"):
		tag = "audio"
	case strings.HasPrefix(it.mediaType, "text/"):
		tag, region = "text", "Text"
	}
	b.WriteString("<" + tag + ` src="`)
	xml.EscapeText(b, []byte(it.src))
	b.WriteString(`"`)
	if region != "" {
		b.WriteString(` region="` + region + `"`)
	}
	b.WriteString("/>\r\n")
}

// slideDur is how long a slide without audio or video stays: handsets
// otherwise flip past a still image at once.
const slideDur = "5000ms"

// buildSMIL lays the items out in order, the MMS way: image region above
// text region, a new slide whenever the current one already has something
// in the item's slot. Slides with audio or video last as long as the clip.
func buildSMIL(items []smilItem) []byte {
	var slides [][]smilItem
	var taken map[string]bool
	for _, it := range items {
		s := it.slot()
		if len(slides) == 0 || taken[s] {
			slides = append(slides, nil)
			taken = make(map[string]bool)
		}
		taken[s] = true
		slides[len(slides)-1] = append(slides[len(slides)-1], it)
	}

	var b bytes.Buffer
	b.WriteString("<smil>\r\n<head>\r\n<layout>\r\n<root-layout/>\r\n" +
		"<region id=\"Image\" top=\"0\" height=\"70%\" width=\"100%\" fit=\"meet\"/>\r\n" +
		"<region id=\"Text\" top=\"70%\" height=\"30%\" width=\"100%\" fit=\"scroll\"/>\r\n" +
		"</layout>\r\n</head>\r\n<body>\r\n")
	for _, slide := range slides {
		timed := false
		for _, it := range slide {
			if it.slot() == "audio" || strings.HasPrefix(it.mediaType, "video/") {
				timed = true
			}
		}
		if timed {
			b.WriteString("<par>\r\n")
		} else {
			b.WriteString("<par dur=\"" + slideDur + "\">\r\n")
		}
		for _, it := range slide {
			it.element(&b)
		}
		b.WriteString("</par>\r\n")
	}
	b.WriteString("</body>\r\n</smil>\r\n")
	return b.Bytes()
}
