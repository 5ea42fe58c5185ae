package routecheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Decisions other than a route name.
const (
	Direct = "Direct" // deliver to a local handset
	Reject = "Reject" // refuse the recipient
)

// ErrNoDecision is an answer that names no route.
var ErrNoDecision = errors.New(`routing callback answered without "Route="`)

// Client calls one routing URL.
type Client struct {
	url     string
	http    *http.Client
	timeout time.Duration
}

// New returns a client for base (the configured URL, which may carry its
// own query) that gives each call at most timeout.
func New(base string, timeout time.Duration) *Client {
	return &Client{url: base, http: &http.Client{}, timeout: timeout}
}

// Route asks how to route recipient to of a message from from, submitted
// by account vasp (omitted when empty).
func (c *Client) Route(ctx context.Context, from, vasp, to string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u, err := url.Parse(c.url)
	if err != nil {
		return "", fmt.Errorf("routing callback: %w", err)
	}
	q := u.Query()
	q.Set("Type", "MMSRouteCheck")
	q.Set("From", from)
	if vasp != "" {
		q.Set("VASPIN", vasp)
	}
	q.Set("To", to)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("routing callback: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("routing callback: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("routing callback: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("routing callback: HTTP %d", resp.StatusCode)
	}
	return decision(string(body))
}

// decision finds "Route=NAME" in an answer.
func decision(body string) (string, error) {
	_, rest, ok := strings.Cut(body, "Route=")
	if !ok {
		return "", ErrNoDecision
	}
	end := strings.IndexAny(rest, " \t\r\n&\"'<;,")
	if end >= 0 {
		rest = rest[:end]
	}
	if rest == "" {
		return "", ErrNoDecision
	}
	return rest, nil
}
