package web

import (
	"mime"
	"strings"
)

// kind is how a part is shown on the page and served on its own.
type kind int

const (
	kindSkip  kind = iota // SMIL: the page is our layout, not the sender's
	kindText              // text/plain: inline on the page
	kindImage             // a raster image every browser decodes: <img>
	kindAudio             // <audio controls> and a download link
	kindVideo             // <video controls> and a download link
	kindFile              // everything else: a download link only
)

// images are the image types browsers decode and cannot take for a
// document. SVG is not among them (it runs script when opened), nor is
// WBMP (no current browser shows it: a link beats a broken image).
var images = map[string]bool{
	"image/jpeg": true, "image/jpg": true, "image/pjpeg": true, "image/png": true,
	"image/gif": true, "image/webp": true, "image/bmp": true, "image/avif": true,
}

// classify returns the media type of a part's Content-Type, lower case
// with its parameters, and what to do with it. What does not parse is a
// file of unknown type.
func classify(contentType string) (string, map[string]string, kind) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "application/octet-stream", nil, kindFile
	}
	switch {
	case mt == "application/smil":
		return mt, params, kindSkip
	case mt == "text/plain":
		return mt, params, kindText
	case images[mt]:
		return mt, params, kindImage
	case strings.HasPrefix(mt, "audio/"):
		return mt, params, kindAudio
	case strings.HasPrefix(mt, "video/"):
		return mt, params, kindVideo
	}
	return mt, params, kindFile
}
