package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// pageCSP allows nothing but our own images and media and the inline
// stylesheet: the page has no script, and a part that slipped through
// escaping still could not run any. No other site may frame the page, so
// none can dress it up to make its reader click.
const pageCSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"

// page answers GET and HEAD on a page link with the message as HTML, and
// marks the recipient retrieved once a GET's body has been handed to the
// connection.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, prefix string) error {
	now := h.cfg.Now()
	d, m, err := h.open(r, now)
	if err != nil {
		return err
	}
	base := mms.PageURL(prefix, d.Token) + "/"
	if !writeHTML(w, r, http.StatusOK, pageTemplate, newView(m, base)) {
		return nil // nothing reached the browser: not a view
	}
	if r.Method == http.MethodGet {
		h.markRetrieved(r.Context(), d, m, now)
	}
	return nil
}

// view is what the page template shows.
type view struct {
	Title   string
	From    string // "" when the sender asked to be hidden
	Date    string // for people, in UTC: we do not know the reader's zone
	DateISO string // for the <time> element
	Parts   []partView
}

type partView struct {
	Kind kind
	Text string // kindText
	URL  string
	Name string // what the reader sees; the file name when it has one
	Type string // media type, without parameters
	Size string
}

func newView(m *mms.Message, base string) view {
	v := view{Title: cmp.Or(strings.TrimSpace(m.Subject), "Multimedia message")}
	if !m.SenderHidden {
		v.From = strings.TrimSuffix(mms.HandsetAddress(m.Originator()), "/TYPE=PLMN")
	}
	if date := cmp.Or(m.Date, m.Received); !date.IsZero() {
		v.Date = date.UTC().Format("2 Jan 2006, 15:04 UTC")
		v.DateISO = date.UTC().Format(time.RFC3339)
	}
	for i, p := range m.Parts {
		mt, _, k := classify(p.ContentType)
		if k == kindSkip {
			continue
		}
		pv := partView{Kind: k, URL: base + strconv.Itoa(i), Name: fileName(p, i, mt), Type: mt, Size: size(len(p.Data))}
		if k == kindText {
			pv.Text = strings.ToValidUTF8(string(p.Data), "\uFFFD")
		}
		v.Parts = append(v.Parts, pv)
	}
	return v
}

// size is a part's size as people read it.
func size(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n) + " bytes"
	case n < 1000<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// writeHTML renders t with data and sends it with status under the page's
// headers, and reports whether the body reached the connection (HEAD:
// whether it would have). Rendering into a buffer first means a template
// failure is a clean 500 and the length is known.
func writeHTML(w http.ResponseWriter, r *http.Request, status int, t *template.Template, data any) bool {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		// Only a bug in our templates gets here; say so plainly.
		setHeaders(w.Header(), pageCSP)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return false
	}
	hd := w.Header()
	setHeaders(hd, pageCSP)
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return true
	}
	_, err := w.Write(buf.Bytes())
	return err == nil
}

// setHeaders sets what every answer carries: its CSP (if any), no
// sniffing, no Referer (the URL is the credential), no copies kept
// anywhere.
func setHeaders(h http.Header, csp string) {
	if csp != "" {
		h.Set("Content-Security-Policy", csp)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// The page is small and mobile first: one column, system fonts, images and
// video never wider than the screen, text wrapping long words and URLs.
const style = `body{margin:0 auto;max-width:40em;padding:.75em;font:1rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:.2em 0}
.meta{color:#555;font-size:.9rem;margin:0 0 1em}
.text{white-space:pre-wrap;margin:0 0 1em}
.part{margin:0 0 1.2em}
img,video{display:block;max-width:100%;height:auto}
audio{display:block;width:100%}
.file{color:#555;font-size:.9rem}
@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}.meta,.file{color:#aaa}a{color:#8ab4f8}}`

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"isText": func(k kind) bool { return k == kindText }, "isImage": func(k kind) bool { return k == kindImage },
	"isAudio": func(k kind) bool { return k == kindAudio }, "isVideo": func(k kind) bool { return k == kindVideo },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>` + style + `</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{with .From}}From {{.}}{{end}}{{if and .From .Date}}<br>{{end}}{{with .Date}}<time datetime="{{$.DateISO}}">{{.}}</time>{{end}}</p>
{{- range .Parts}}
{{if isText .Kind}}<p class="text">{{.Text}}</p>
{{- else if isImage .Kind}}<p class="part"><img src="{{.URL}}" alt="{{.Name}}"></p>
{{- else if isAudio .Kind}}<div class="part"><audio controls preload="none" src="{{.URL}}"></audio>
<a href="{{.URL}}" download>{{.Name}}</a> <span class="file">({{.Type}}, {{.Size}})</span></div>
{{- else if isVideo .Kind}}<div class="part"><video controls preload="none" src="{{.URL}}"></video>
<a href="{{.URL}}" download>{{.Name}}</a> <span class="file">({{.Type}}, {{.Size}})</span></div>
{{- else}}<p class="part"><a href="{{.URL}}" download>{{.Name}}</a> <span class="file">({{.Type}}, {{.Size}})</span></p>
{{- end}}
{{- else}}
<p class="meta">This message has no content.</p>
{{- end}}
</body>
</html>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>` + style + `</style>
</head>
<body>
<h1>{{.}}</h1>
</body>
</html>
`))
