package web_test

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/web"
)

const pageCSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"

func checkHeaders(t *testing.T, what string, h http.Header, csp string) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
}

func TestPage(t *testing.T) {
	f := setup(t, web.Config{}, "")
	page := "/w/" + f.token
	resp, body := f.do(t, http.MethodGet, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET page: %d %s", resp.StatusCode, body)
	}
	checkHeaders(t, "page", resp.Header, pageCSP)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	html := string(body)
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<title>Saturn &lt;b&gt;news&lt;/b&gt;</title>`,
		`<h1>Saturn &lt;b&gt;news&lt;/b&gt;</h1>`,
		`From &#43;447700900123`, // html/template escapes "+" in text
		`Hello &lt;script&gt;alert(1)&lt;/script&gt;` + "\n" + `&lt;img src=x onerror=&#34;document.body.dataset.pwned=1&#34;&gt;` + "\n" + `line three &amp; more`,
		`<img src="` + page + `/2" alt="saturn.png">`,
		`<audio controls preload="none" src="` + page + `/3">`,
		`<video controls preload="none" src="` + page + `/4">`,
		`<a href="` + page + `/3" download>voice.amr</a>`,
		`<a href="` + page + `/4" download>clip.mp4</a>`,
		`<a href="` + page + `/5" download>page.html</a>`,
		`<a href="` + page + `/6" download>pic.svg</a>`,
		`<a href="` + page + `/7" download>Grüße &#34;x&#34;.pdf</a>`,
		`<a href="` + page + `/8" download>part-9</a>`,
		f.msg.Date.UTC().Format("2 Jan 2006, 15:04 UTC"),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "<img src=x", page + "/0", `<img src="` + page + `/6"`, "<iframe", "<object", "<embed"} {
		if strings.Contains(html, bad) {
			t.Errorf("page has %s", bad)
		}
	}
	if n := strings.Count(html, "<img "); n != 1 {
		t.Errorf("%d <img> tags, want 1 (the PNG)", n)
	}

	// Every image the page shows is there, byte for byte, with its type.
	srcs := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(html, -1)
	for _, s := range srcs {
		resp, got := f.do(t, http.MethodGet, s[1])
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, f.msg.Parts[pImage].Data) {
			t.Errorf("GET %s: %d, %d bytes, want the PNG", s[1], resp.StatusCode, len(got))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("GET %s: Content-Type %q", s[1], ct)
		}
	}
	if d := f.state(t, f.token); d.State != mms.StateRetrieved {
		t.Errorf("after a GET the recipient is %s, want retrieved", d.State)
	}
}

func TestPagePrefix(t *testing.T) {
	f := setup(t, web.Config{}, "/mmsc/")
	if resp, _ := f.do(t, http.MethodGet, "/w/"+f.token); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page outside the prefix: %d, want 404", resp.StatusCode)
	}
	page := "/mmsc/w/" + f.token
	_, body := f.do(t, http.MethodGet, page)
	if want := `<img src="` + page + `/2"`; !strings.Contains(string(body), want) {
		t.Fatalf("page lacks %s:\n%s", want, body)
	}
	if resp, got := f.do(t, http.MethodGet, page+"/2"); resp.StatusCode != http.StatusOK || !bytes.Equal(got, f.msg.Parts[pImage].Data) {
		t.Errorf("image under the prefix: %d", resp.StatusCode)
	}
}

func TestHeadDoesNotMark(t *testing.T) {
	f := setup(t, web.Config{}, "")
	page := "/w/" + f.token
	resp, body := f.do(t, http.MethodHead, page)
	if resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Fatalf("HEAD page: %d with %d bytes", resp.StatusCode, len(body))
	}
	if resp.ContentLength <= 0 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD page: length %d, type %q", resp.ContentLength, resp.Header.Get("Content-Type"))
	}
	f.do(t, http.MethodGet, page+"/2")
	f.do(t, http.MethodHead, page+"/4")
	if d := f.state(t, f.token); d.State != mms.StateQueued {
		t.Errorf("after HEAD and part fetches the recipient is %s, want queued", d.State)
	}
	f.do(t, http.MethodGet, page)
	if d := f.state(t, f.token); d.State != mms.StateRetrieved {
		t.Errorf("after GET the recipient is %s, want retrieved", d.State)
	}
}

func TestNotFound(t *testing.T) {
	f := setup(t, web.Config{}, "")
	page := "/w/" + f.token
	for _, path := range []string{
		"/w/AAAAAAAAAAAAAAAAAAAAAA", "/w/AAAAAAAAAAAAAAAAAAAAAA/2",
		"/w/" + f.msg.Recipients[1].Token, // an MM1 recipient's: its handset's, no page
		"/w/" + f.msg.Recipients[1].Token + "/2",
		page + "/9", page + "/-1", page + "/01", page + "/+2", page + "/x",
	} {
		resp, _ := f.do(t, http.MethodGet, path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
		checkHeaders(t, path, resp.Header, pageCSP)
	}
	if resp, _ := f.do(t, http.MethodGet, page+"/2/x"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s/2/x: %d, want 404", page, resp.StatusCode)
	}
	if d := f.state(t, f.msg.Recipients[1].Token); d.State != mms.StateQueued {
		t.Errorf("the MM1 recipient is %s after web requests, want queued", d.State)
	}
}

// sandboxNone is the CSP of attachments.
const sandboxNone = "sandbox; default-src 'none'"

func TestPartHeaders(t *testing.T) {
	f := setup(t, web.Config{}, "")
	page := "/w/" + f.token
	for _, tt := range []struct {
		part        int
		ctype       string
		disposition string
		filename    string
		csp         string
	}{
		{pSMIL, "application/smil", "attachment", "s.smil", sandboxNone},
		{pText, "text/plain; charset=utf-8", "inline", "t.txt", "sandbox"},
		{pImage, "image/png", "inline", "saturn.png", "sandbox"},
		{pAudio, "audio/amr", "inline", "voice.amr", ""},
		{pVideo, "video/mp4", "inline", "clip.mp4", ""},
		{pHTML, "text/html; charset=utf-8", "attachment", "page.html", sandboxNone},
		{pSVG, "image/svg+xml", "attachment", "pic.svg", sandboxNone},
		{pPDF, "application/pdf", "attachment", `Grüße "x".pdf`, sandboxNone},
		{pNoName, "application/octet-stream", "attachment", "part-9", sandboxNone},
	} {
		path := page + "/" + strconv.Itoa(tt.part)
		resp, body := f.do(t, http.MethodGet, path)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, f.msg.Parts[tt.part].Data) {
			t.Errorf("GET %s: %d, %d bytes", path, resp.StatusCode, len(body))
			continue
		}
		checkHeaders(t, path, resp.Header, tt.csp)
		if ct := resp.Header.Get("Content-Type"); ct != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", path, ct, tt.ctype)
		}
		cd := resp.Header.Get("Content-Disposition")
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != tt.disposition || params["filename"] != tt.filename {
			t.Errorf("GET %s: Content-Disposition %q: %s %q (%v), want %s %q", path, cd, disp, params["filename"], err, tt.disposition, tt.filename)
		}
	}
	// The non-ASCII name, for old clients and new ones.
	resp, _ := f.do(t, http.MethodGet, page+"/"+strconv.Itoa(pPDF))
	if want := `attachment; filename="Gr__e _x_.pdf"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22x%22.pdf`; resp.Header.Get("Content-Disposition") != want {
		t.Errorf("Content-Disposition %q, want %q", resp.Header.Get("Content-Disposition"), want)
	}
}

func TestHostileParts(t *testing.T) {
	f := setup(t, web.Config{}, "")
	for _, part := range []int{pHTML, pSVG} {
		path := "/w/" + f.token + "/" + strconv.Itoa(part)
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			resp, _ := f.do(t, method, path)
			h := resp.Header
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
				!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: %d, Content-Disposition %q, CSP %q, X-Content-Type-Options %q", method, path, resp.StatusCode,
					h.Get("Content-Disposition"), h.Get("Content-Security-Policy"), h.Get("X-Content-Type-Options"))
			}
		}
	}
}

func TestRange(t *testing.T) {
	f := setup(t, web.Config{}, "")
	resp, body := f.do(t, http.MethodGet, "/w/"+f.token+"/"+strconv.Itoa(pVideo), "Range", "bytes=100-199")
	want := f.msg.Parts[pVideo].Data[100:200]
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, want) {
		t.Fatalf("range: %d, %q", resp.StatusCode, body)
	}
	if cr := resp.Header.Get("Content-Range"); cr != "bytes 100-199/10000" {
		t.Errorf("Content-Range %q", cr)
	}
	if resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("Accept-Ranges %q", resp.Header.Get("Accept-Ranges"))
	}
}

// The link lives an hour after the first view, however long after
// submission that view was; parts go with their page.
func TestExpireAfterFirstAccess(t *testing.T) {
	f := setup(t, web.Config{ExpireAfterFirstAccess: time.Hour}, "")
	page, img := "/w/"+f.token, "/w/"+f.token+"/2"
	first := f.t0.Add(2 * time.Hour)
	f.clock.set(first)
	if resp, _ := f.do(t, http.MethodGet, page); resp.StatusCode != http.StatusOK {
		t.Fatalf("first view: %d", resp.StatusCode)
	}
	if d := f.state(t, f.token); d.State != mms.StateRetrieved || !d.Updated.Equal(first) {
		t.Fatalf("after the first view: %s at %v, want retrieved at %v", d.State, d.Updated, first)
	}
	for _, tt := range []struct {
		after  time.Duration
		status int
	}{{59 * time.Minute, http.StatusOK}, {time.Hour, http.StatusOK}, {61 * time.Minute, http.StatusGone}} {
		f.clock.set(first.Add(tt.after))
		for _, path := range []string{page, img} {
			resp, body := f.do(t, http.MethodGet, path)
			if resp.StatusCode != tt.status {
				t.Errorf("GET %s at first view + %v: %d, want %d", path, tt.after, resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusGone {
				if !strings.Contains(string(body), "This message has expired") {
					t.Errorf("410 body: %s", body)
				}
				checkHeaders(t, "410", resp.Header, pageCSP)
			}
		}
	}
}

func TestNoLinkLimit(t *testing.T) {
	f := setup(t, web.Config{}, "")
	page := "/w/" + f.token
	f.do(t, http.MethodGet, page)
	f.settle(t)
	f.clock.set(f.t0.Add(23 * time.Hour))
	if resp, _ := f.do(t, http.MethodGet, page); resp.StatusCode != http.StatusOK {
		t.Errorf("without a link lifetime, a view a day later: %d, want 200", resp.StatusCode)
	}
}

func TestMessageExpiry(t *testing.T) {
	f := setup(t, web.Config{ExpireAfterFirstAccess: time.Hour}, "")
	page := "/w/" + f.token
	f.clock.set(f.t0.Add(24*time.Hour - time.Millisecond))
	if resp, _ := f.do(t, http.MethodGet, page+"/2"); resp.StatusCode != http.StatusOK {
		t.Errorf("just before expiry: %d", resp.StatusCode)
	}
	f.clock.set(f.t0.Add(24 * time.Hour))
	for _, path := range []string{page, page + "/2"} {
		if resp, body := f.do(t, http.MethodGet, path); resp.StatusCode != http.StatusGone || !strings.Contains(string(body), "This message has expired") {
			t.Errorf("GET %s after the message's expiry: %d %s", path, resp.StatusCode, body)
		}
	}
	if d := f.state(t, f.token); d.State != mms.StateQueued {
		t.Errorf("a refused view marked the recipient %s", d.State)
	}
}

func TestFinalStates(t *testing.T) {
	for _, state := range []mms.State{mms.StateExpired, mms.StateFailed, mms.StateRejected} {
		f := setup(t, web.Config{}, "")
		d := f.state(t, f.token)
		if _, err := f.st.Answer(context.Background(), d.ID, state, f.t0, "test", f.t0); err != nil {
			t.Fatal(err)
		}
		if resp, _ := f.do(t, http.MethodGet, "/w/"+f.token); resp.StatusCode != http.StatusGone {
			t.Errorf("recipient %s: %d, want 410", state, resp.StatusCode)
		}
	}
}

func TestHiddenSenderNoSubject(t *testing.T) {
	f := setup(t, web.Config{}, "")
	m := testMessage(t)
	m.Subject, m.SenderHidden = "", true
	m.Recipients = m.Recipients[:1]
	if _, err := accept.New(f.st, accept.Config{Now: f.clock.now}).Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, http.MethodGet, "/w/"+m.Recipients[0].Token)
	html := string(body)
	if !strings.Contains(html, "<title>Multimedia message</title>") || !strings.Contains(html, "<h1>Multimedia message</h1>") {
		t.Errorf("no default title:\n%s", html)
	}
	if strings.Contains(html, "From") || strings.Contains(html, "447700900123") {
		t.Errorf("hidden sender shown:\n%s", html)
	}
}

// TestWebLinkPage: an MM1 recipient converted to a web link (as the MM1
// queue does after convert_after) gets the page its token had not opened
// before, and its first view retrieves it.
func TestWebLinkPage(t *testing.T) {
	f := setup(t, web.Config{}, "")
	ctx := context.Background()
	mm1Token := f.msg.Recipients[1].Token
	if resp, _ := f.do(t, http.MethodGet, "/w/"+mm1Token); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("MM1 recipient before conversion: %d, want 404", resp.StatusCode)
	}
	leased, err := f.st.Lease(ctx, "test", f.t0, time.Minute, 10, mms.RouteMM1)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v, %v", leased, err)
	}
	if err := f.st.Release(ctx, leased[0].ID, "test", mms.Outcome{
		State: mms.StateNotified, Next: f.t0.Add(time.Hour), Notified: true, Route: mms.RouteWebLink,
	}, f.t0); err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, http.MethodGet, "/w/"+mm1Token)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Saturn &lt;b&gt;news&lt;/b&gt;") {
		t.Fatalf("converted recipient: %d, body %.200q", resp.StatusCode, body)
	}
	if d := f.state(t, mm1Token); d.State != mms.StateRetrieved || d.Route != mms.RouteWebLink {
		t.Errorf("after the first view: %s on %s, want retrieved on weblink", d.State, d.Route)
	}
}
