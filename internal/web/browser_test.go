package web_test

import (
	"context"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/web"
)

// chromium finds a Chromium to test with, or skips.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed; apt-get install chromium (the CI script installs it)")
	return ""
}

// browse loads url in headless Chromium and returns the DOM after the load
// event (which waits for images) and what the page logged to its console
// (Chromium reports blocked scripts and CSP violations there). aborted
// says the browser made no document of the answer (it took it for a
// download); headless Chromium then sometimes never exits, so it is
// stopped as soon as it says so.
func browse(t *testing.T, bin, url string) (dom string, console []string, aborted bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--no-default-browser-check", "--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--dump-dom", url)
	cmd.WaitDelay = 5 * time.Second // renderers holding the pipes after a kill
	stderr := &watcher{on: "Page load failed: net::ERR_ABORTED", seen: cancel}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	log := stderr.String()
	aborted = strings.Contains(log, stderr.on)
	if err != nil && !aborted {
		t.Fatalf("chromium %s: %v\n%s", url, err, log)
	}
	for line := range strings.Lines(log) {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, strings.TrimSpace(line))
		}
	}
	return string(out), console, aborted
}

// watcher keeps what is written to it and calls seen once on appears.
type watcher struct {
	mu   sync.Mutex
	b    strings.Builder
	on   string
	seen func()
	done bool
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if !w.done && strings.Contains(w.b.String(), w.on) {
		w.done = true
		w.seen()
	}
	return len(p), nil
}

func (w *watcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestBrowser(t *testing.T) {
	bin := chromium(t)
	f := setup(t, web.Config{ExpireAfterFirstAccess: time.Hour}, "")
	page := "/w/" + f.token
	part := func(i int) string { return page + "/" + strconv.Itoa(i) }

	t.Run("page", func(t *testing.T) {
		dom, console, aborted := browse(t, bin, f.srv.URL+page)
		if aborted {
			t.Fatal("the browser did not show the page")
		}
		if len(console) > 0 {
			t.Errorf("the page made the browser complain (CSP?):\n%s", strings.Join(console, "\n"))
		}
		// The text is there as text: the browser parsed no element from it
		// and ran nothing.
		for _, want := range []string{
			`<title>Saturn &lt;b&gt;news&lt;/b&gt;</title>`,
			`Hello &lt;script&gt;alert(1)&lt;/script&gt;` + "\n" + `&lt;img src=x onerror="document.body.dataset.pwned=1"&gt;`,
			`<img src="` + part(pImage) + `" alt="saturn.png">`,
			`<audio controls="" preload="none" src="` + part(pAudio) + `">`,
			`<video controls="" preload="none" src="` + part(pVideo) + `">`,
			`From +447700900123`,
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("DOM lacks %s", want)
			}
		}
		for _, bad := range []string{"<script", "<img src=\"x\"", "data-pwned", "<svg"} {
			if strings.Contains(dom, bad) {
				t.Errorf("DOM has %s", bad)
			}
		}
		f.settle(t)
		// The browser loaded the image the page shows.
		if got := f.statuses(part(pImage)); !slices.Equal(got, []int{http.StatusOK}) {
			t.Errorf("the browser's fetches of the image: %v, want [200]", got)
		}
		// preload="none": nothing else is fetched until the reader asks.
		for _, i := range []int{pAudio, pVideo, pHTML, pSVG, pPDF} {
			if got := f.statuses(part(i)); len(got) != 0 {
				t.Errorf("part %d fetched unasked: %v", i, got)
			}
		}
		if d := f.state(t, f.token); d.State != mms.StateRetrieved {
			t.Errorf("after the browser's view the recipient is %s, want retrieved", d.State)
		}
	})

	// Opened on their own, HTML and SVG parts are downloads, never
	// documents of our origin.
	t.Run("hostile parts", func(t *testing.T) {
		for _, i := range []int{pHTML, pSVG} {
			dom, console, aborted := browse(t, bin, f.srv.URL+part(i))
			if !aborted {
				t.Errorf("part %d: the browser did not take it for a download", i)
			}
			if strings.Contains(dom, "<script") || strings.Contains(dom, "<svg") || strings.Contains(dom, "hi") {
				t.Errorf("part %d was rendered:\n%s", i, dom)
			}
			if len(console) > 0 {
				t.Errorf("part %d: console:\n%s", i, strings.Join(console, "\n"))
			}
			f.settle(t)
			if got := f.statuses(part(i)); len(got) == 0 || got[len(got)-1] != http.StatusOK {
				t.Errorf("part %d: the browser's fetches %v, want one that got 200", i, got)
			}
		}
	})

	// Opened on their own, image, text and video parts show in the
	// browser's own viewers, and our headers break none of them.
	t.Run("inline parts", func(t *testing.T) {
		for _, tt := range []struct {
			part int
			want string
		}{
			{pImage, `<img style=`},
			{pText, `<pre style="word-wrap: break-word; white-space: pre-wrap;">Hello &lt;script&gt;`},
			{pVideo, `<video controls=""`},
		} {
			dom, console, aborted := browse(t, bin, f.srv.URL+part(tt.part))
			if aborted {
				t.Errorf("part %d: the browser did not show it", tt.part)
			}
			if !strings.Contains(dom, tt.want) {
				t.Errorf("part %d: DOM lacks %s:\n%s", tt.part, tt.want, dom)
			}
			if len(console) > 0 {
				t.Errorf("part %d: console:\n%s", tt.part, strings.Join(console, "\n"))
			}
		}
	})
}
