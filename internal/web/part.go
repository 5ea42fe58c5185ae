package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/httperr"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// A part opened on its own is sandboxed where that costs nothing: a
// document a browser might take it for gets an opaque origin and no
// script, and attachments may load nothing either. Two exceptions, both
// seen in Chromium: the viewers for images and text style themselves
// inline, which default-src 'none' would block; and the player for audio
// and video fetches the media again with CORS, which fails from a
// sandbox's opaque origin. Audio and video get no CSP: with nosniff and an
// audio/ or video/ type no browser makes a document of them.
const (
	inlineCSP     = "sandbox"
	mediaCSP      = ""
	attachmentCSP = "sandbox; default-src 'none'"
)

// part answers GET and HEAD on part n of a page's message. Only parts no
// browser takes for a document are inline; the rest are attachments.
// Ranges are served (audio and video players seek with them). Fetching a
// part does not mark the recipient retrieved: browsers fetch images for
// previews, and a page view is what counts.
func (h *Handler) part(w http.ResponseWriter, r *http.Request) error {
	_, m, err := h.open(r, h.cfg.Now())
	if err != nil {
		return err
	}
	s := r.PathValue("n")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= len(m.Parts) || strconv.Itoa(n) != s {
		return httperr.New(http.StatusNotFound, "No such part of this message", fmt.Errorf("part %q of %d", s, len(m.Parts)))
	}
	p := m.Parts[n]
	mt, params, k := classify(p.ContentType)
	ctype := mt
	switch {
	case k == kindText:
		// The store holds text as UTF-8 whatever it arrived in.
		ctype = "text/plain; charset=utf-8"
	case params != nil:
		// Re-formatted from what parsed, so nothing odd the sender wrote
		// reaches the header.
		if f := mime.FormatMediaType(mt, params); f != "" {
			ctype = f
		}
	}
	disposition, csp := "attachment", attachmentCSP
	switch k {
	case kindText, kindImage:
		disposition, csp = "inline", inlineCSP
	case kindAudio, kindVideo:
		disposition, csp = "inline", mediaCSP
	}
	hd := w.Header()
	setHeaders(hd, csp)
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Disposition", contentDisposition(disposition, fileName(p, n, mt)))
	// No modification time: with no-store there is nothing to revalidate.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(p.Data))
	return nil
}

// extensions name a download that came without a file name; only the
// types messages commonly carry, so the name does not depend on the
// host's MIME tables.
var extensions = map[string]string{
	"text/plain": ".txt", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/pjpeg": ".jpg", "image/png": ".png",
	"image/gif": ".gif", "image/webp": ".webp", "image/bmp": ".bmp", "image/avif": ".avif", "image/svg+xml": ".svg",
	"image/vnd.wap.wbmp": ".wbmp", "audio/amr": ".amr", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/aac": ".aac",
	"audio/ogg": ".ogg", "video/3gpp": ".3gp", "video/3gpp2": ".3g2", "video/mp4": ".mp4", "video/webm": ".webm",
	"text/html": ".html", "text/x-vcard": ".vcf", "text/vcard": ".vcf", "text/x-vcalendar": ".vcs",
	"text/calendar": ".ics", "application/pdf": ".pdf",
}

// fileName is what part i is called for the reader and in downloads: its
// file name, else the last element of its Content-Location, else
// "part-N" (counted from 1, as people count) with an extension for its
// type. Only the last path element is kept, without control or
// formatting characters (a right-to-left override could disguise the
// extension) and without a leading dot.
func fileName(p mms.Part, i int, mt string) string {
	for _, name := range []string{p.Name, p.ContentLocation} {
		name = path.Base(strings.ReplaceAll(name, `\`, "/"))
		name = strings.Map(func(r rune) rune {
			if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return -1
			}
			return r
		}, name)
		name = strings.TrimLeft(strings.TrimSpace(name), ".")
		if name == "" || name == "/" {
			continue
		}
		if r := []rune(name); len(r) > 100 {
			name = string(r[len(r)-100:]) // the end holds the extension
		}
		return name
	}
	return "part-" + strconv.Itoa(i+1) + extensions[mt]
}

// contentDisposition is the header for a part called name (RFC 6266): a
// plain ASCII filename for old clients, then filename* with the UTF-8 name
// percent-encoded (RFC 8187), which current ones prefer.
func contentDisposition(disposition, name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	var enc strings.Builder
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return disposition + `; filename="` + ascii + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar reports whether b may stand unencoded in an RFC 8187 value.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
