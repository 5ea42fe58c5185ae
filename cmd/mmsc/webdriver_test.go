package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// browser is one headless Chromium driven over WebDriver (W3C) through
// Debian's chromedriver: enough of the protocol to type into a form,
// click, and read the page.
type browser struct {
	t       *testing.T
	base    string // chromedriver's URL
	session string
}

// elementKey is how WebDriver names an element in its answers.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// newBrowser starts chromedriver and a headless Chromium, or skips.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	var bin string
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	driver, err := exec.LookPath("chromedriver")
	if bin == "" || err != nil {
		t.Skip("chromium and chromedriver not installed; apt-get install chromium chromium-driver (the CI script installs them)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	b := &browser{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(b.base + "/status"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("chromedriver did not start")
		}
	}
	var s struct{ SessionID string }
	b.do("POST", "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{"binary": bin, "args": []string{"--headless=new", "--no-sandbox",
			"--disable-gpu", "--no-first-run", "--user-data-dir=" + t.TempDir()}},
	}}}, &s)
	if s.SessionID == "" {
		t.Fatal("chromedriver made no session")
	}
	b.session = "/session/" + s.SessionID
	t.Cleanup(func() { b.do("DELETE", b.session, nil, nil) })
	return b
}

// do makes one WebDriver call and decodes its "value" into out.
func (b *browser) do(method, path string, body, out any) {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		b.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v struct{ Value json.RawMessage }
	if err := json.Unmarshal(raw, &v); err != nil || resp.StatusCode != 200 {
		b.t.Fatalf("webdriver %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(v.Value, out); err != nil {
			b.t.Fatalf("webdriver %s %s: %v in %s", method, path, err, v.Value)
		}
	}
}

func (b *browser) open(url string) {
	b.t.Helper()
	b.do("POST", b.session+"/url", map[string]string{"url": url}, nil)
}

func (b *browser) element(css string) string {
	b.t.Helper()
	var e map[string]string
	b.do("POST", b.session+"/element", map[string]string{"using": "css selector", "value": css}, &e)
	return e[elementKey]
}

func (b *browser) typeInto(css, text string) {
	b.t.Helper()
	b.do("POST", b.session+"/element/"+b.element(css)+"/value", map[string]string{"text": text}, nil)
}

func (b *browser) click(css string) {
	b.t.Helper()
	b.do("POST", b.session+"/element/"+b.element(css)+"/click", map[string]any{}, nil)
}

// source is the page's DOM as HTML.
func (b *browser) source() string {
	b.t.Helper()
	var s string
	b.do("GET", b.session+"/source", nil, &s)
	return s
}

// url is where the browser is.
func (b *browser) url() string {
	b.t.Helper()
	var s string
	b.do("GET", b.session+"/url", nil, &s)
	return s
}

// waitFor waits until the page holds text, for a navigation a click
// started, and returns the page; it gives up after 20 s.
func (b *browser) waitFor(text string) (string, bool) {
	b.t.Helper()
	var src string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if src = b.source(); strings.Contains(src, text) {
			return src, true
		}
	}
	return src, false
}
