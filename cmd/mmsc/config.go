package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mmsc-project/mmsc/internal/httpserver"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// Config is the TOML configuration. Key names are part of the product's
// interface: they stay as they are.
type Config struct {
	DataDir   string        `toml:"data_dir"`
	MMSDomain string        `toml:"mms_domain"` // NowSMS: Domain Name for MMS E-Mail
	LocalHost string        `toml:"local_host"` // NowSMS: Local Host Name or IP Address
	Store     StoreConfig   `toml:"store"`
	SMTP      SMTPConfig    `toml:"smtp"`
	HTTP      HTTPConfig    `toml:"http"`
	Admin     AdminConfig   `toml:"admin"`
	Log       LogConfig     `toml:"log"`
	SMPP      SMPPConfig    `toml:"smpp"`
	MM1       MM1Config     `toml:"mm1"`
	MM7       MM7Config     `toml:"mm7"`
	MM4       MM4Config     `toml:"mm4"`
	WAPPush   WAPPushConfig `toml:"wappush"`
	CDR       CDRConfig     `toml:"cdr"`
}

// CDRConfig is where the CDRs go: one JSON line per recipient whose
// delivery has ended (package cdr).
type CDRConfig struct {
	Path string `toml:"path"` // a directory; "" = no CDRs
}

// StoreConfig is where messages are kept: SQLite under data_dir (one
// node), or PostgreSQL (several nodes sharing one database).
type StoreConfig struct {
	Driver string `toml:"driver"` // sqlite or postgres
	DSN    string `toml:"dsn"`    // postgres: "postgres://user:password@host:5432/db?sslmode=..."
	// Lease is how long a delivery a node attempts stays held once the
	// node stops renewing it (every third of it, while it lives): if the
	// node dies, another takes the delivery over after that. It no longer
	// bounds an attempt (queue.DefaultMaxAttempt does).
	Lease duration `toml:"lease"`
}

// WAPPushConfig is Multimedia WAP Push: messages as web pages.
type WAPPushConfig struct {
	Mode                   string   `toml:"mode"` // si, sms or both
	Text                   string   `toml:"text"` // the push's text when the message has no subject
	ExpireAfterFirstAccess duration `toml:"expire_after_first_access"`
}

// MM4Config is interconnection with peer MMSCs.
type MM4Config struct {
	SystemUser  string `toml:"system_user"`  // local part of our X-Mms-Originator-System at mms_domain
	MaxForwards int    `toml:"max_forwards"` // X-Mms-Forward-Counter above which a message is not forwarded again

	RoutingURL      string   `toml:"routing_url"`      // NowSMS MMSRoutingURL; "" = none
	RoutingTimeout  duration `toml:"routing_timeout"`  // per call
	RoutingFallback string   `toml:"routing_fallback"` // "table" or "reject" when the callback fails
	RoutingForce    bool     `toml:"routing_force"`    // ask for local numbers too (number portability)
}

// SMTPConfig is the MM4 ingress.
type SMTPConfig struct {
	Listen           string   `toml:"listen"`
	TLSListen        string   `toml:"tls_listen"`
	CertFile         string   `toml:"cert_file"`
	KeyFile          string   `toml:"key_file"`
	MaxMessageSize   int64    `toml:"max_message_size"`
	MaxRecipients    int      `toml:"max_recipients"`
	MaxConnsPerIP    int      `toml:"max_connections_per_ip"`      // sessions not (yet) an account's
	MaxConnsPerAcct  int      `toml:"max_connections_per_account"` // for an account whose own is 0
	MaxConns         int      `toml:"max_connections"`
	AuthFailureLimit int      `toml:"auth_failures_per_minute"`
	ReadTimeout      duration `toml:"read_timeout"`
	DataTimeout      duration `toml:"data_timeout"`
}

// HTTPConfig is the HTTP listener: handsets (MM1), pages, VASPs (MM7) and
// health.
type HTTPConfig struct {
	Listen        string   `toml:"listen"`
	PublicURL     string   `toml:"public_url"` // base of Content-Location; "" = http://<local_host>:<port of listen>
	MaxConns      int      `toml:"max_connections"`
	MaxConnsPerIP int      `toml:"max_connections_per_ip"`
	HeaderTimeout duration `toml:"header_timeout"`       // for a request line and headers
	IdleTimeout   duration `toml:"idle_timeout"`         // a kept-alive connection without a request
	StallTimeout  duration `toml:"stall_timeout"`        // a body's grace, and a reply's wait per window
	MinRate       int      `toml:"min_bytes_per_second"` // a body's and a reply's pace after the grace
}

// server is the HTTP listener's bounds.
func (c HTTPConfig) server() httpserver.Config {
	return httpserver.Config{
		MaxConns:      c.MaxConns,
		MaxConnsPerIP: c.MaxConnsPerIP,
		HeaderTimeout: time.Duration(c.HeaderTimeout),
		IdleTimeout:   time.Duration(c.IdleTimeout),
		StallTimeout:  time.Duration(c.StallTimeout),
		MinRate:       c.MinRate,
	}
}

// AdminConfig is the operator's listener: the JSON API, /metrics and
// health. Nothing administrative is served on the HTTP listener.
type AdminConfig struct {
	Listen   string `toml:"listen"`    // "" = off
	Token    string `toml:"token"`     // bearer token; "" = made at first start into <data_dir>/admin-token
	CertFile string `toml:"cert_file"` // PEM; when set the listener speaks HTTPS only
	KeyFile  string `toml:"key_file"`
}

// LogConfig is how serve logs.
type LogConfig struct {
	Format string `toml:"format"` // "json" (one object a line) or "text" (key=value)
}

// SMPPConfig is the SMS link that carries WAP Push notifications.
type SMPPConfig struct {
	Address          string `toml:"address"` // host:port of the SMSC; "" = no SMS link
	SystemID         string `toml:"system_id"`
	Password         string `toml:"password"`
	SystemType       string `toml:"system_type"`
	SourceAddr       string `toml:"source_addr"`
	SubmitsPerSecond int    `toml:"max_submits_per_second"`
}

// MM7Config is VASPs' SOAP interface, on the HTTP listener at /mm7.
type MM7Config struct {
	MaxMessageSize int64 `toml:"max_message_size"` // the largest request a VASP may send, octets
}

// MM1Config is delivery to handsets.
type MM1Config struct {
	LocalNumbers     []string `toml:"local_numbers"`    // NowSMS masks; empty = every number is local
	MSISDNHeaders    []string `toml:"msisdn_headers"`   // set by the WAP gateway; checked against the recipient
	TrustedProxies   []string `toml:"trusted_proxies"`  // peers whose MSISDN header is believed: addresses, CIDRs
	MaxMessageSize   int64    `toml:"max_message_size"` // the largest m-send-req taken from a handset, octets
	RetainDays       int      `toml:"retain_days"`
	RenotifyAfter    duration `toml:"renotify_after"`
	MaxNotifications int      `toml:"max_notifications"`
	ConvertAfter     duration `toml:"convert_after"` // not retrieved by then: send a web-link SMS instead; 0 = never
}

func defaultConfig() Config {
	return Config{
		DataDir:   "mmsc-data",
		Store:     StoreConfig{Driver: driverSQLite, Lease: duration(queue.DefaultLeaseFor)},
		MMSDomain: "mms.localhost",
		LocalHost: "localhost",
		SMTP: SMTPConfig{
			Listen:           "127.0.0.1:2525",
			MaxMessageSize:   2097152,
			MaxRecipients:    100,
			MaxConnsPerIP:    50,
			MaxConnsPerAcct:  100,
			MaxConns:         10000,
			AuthFailureLimit: 5,
			ReadTimeout:      duration(5 * time.Minute),
			DataTimeout:      duration(10 * time.Minute),
		},
		HTTP: HTTPConfig{
			Listen:        "127.0.0.1:8080",
			MaxConns:      httpserver.DefaultMaxConns,
			MaxConnsPerIP: httpserver.DefaultMaxConnsPerIP,
			HeaderTimeout: duration(httpserver.DefaultHeaderTimeout),
			IdleTimeout:   duration(httpserver.DefaultIdleTimeout),
			StallTimeout:  duration(httpserver.DefaultStallTimeout),
			MinRate:       httpserver.DefaultMinRate,
		},
		Admin: AdminConfig{Listen: "127.0.0.1:8081"},
		Log:   LogConfig{Format: logJSON},
		SMPP:  SMPPConfig{SourceAddr: "MMSC", SubmitsPerSecond: 100},
		MM1: MM1Config{
			LocalNumbers:     []string{},
			MSISDNHeaders:    []string{"X-MSISDN", "X-WAP-Network-Client-MSISDN", "X-Nokia-msisdn"},
			TrustedProxies:   []string{"127.0.0.1", "::1"},
			MaxMessageSize:   1 << 20,
			RetainDays:       15,
			RenotifyAfter:    duration(time.Hour),
			MaxNotifications: 3,
		},
		MM7:     MM7Config{MaxMessageSize: 2097152},
		MM4:     MM4Config{SystemUser: "system-user", MaxForwards: 5, RoutingTimeout: duration(2 * time.Second), RoutingFallback: "table"},
		WAPPush: WAPPushConfig{Mode: "both", Text: "You have a multimedia message"},
	}
}

// publicURL is the base of every URL handed to a handset, without a
// trailing slash: http.public_url, else local_host at the port the HTTP
// listener got.
func (c Config) publicURL(listening net.Addr) string {
	if c.HTTP.PublicURL != "" {
		return strings.TrimRight(c.HTTP.PublicURL, "/")
	}
	_, port, _ := net.SplitHostPort(listening.String())
	return "http://" + net.JoinHostPort(c.LocalHost, port)
}

// duration reads "90s", "5m" from TOML.
type duration time.Duration

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like \"90s\" or \"5m\": %q", b)
	}
	*d = duration(v)
	return nil
}

func (d duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// configPath is -config, else $MMSC_CONFIG, else "" for the defaults.
func configPath(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	return getenv("MMSC_CONFIG")
}

// loadConfig reads path over the defaults and returns every problem found,
// joined, so that an operator fixes a file in one pass.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	if path == "" {
		return cfg, nil
	}
	var problems []error
	md, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return cfg, fmt.Errorf("%s: %s", path, perr.ErrorWithPosition())
		}
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	for _, k := range md.Undecoded() {
		problems = append(problems, fmt.Errorf("%s: unknown key %q", path, k.String()))
	}
	for _, p := range cfg.problems() {
		problems = append(problems, fmt.Errorf("%s: %w", path, p))
	}
	return cfg, errors.Join(problems...)
}

// problems lists what is wrong with values that parsed.
func (c Config) problems() []error {
	var ps []error
	add := func(format string, a ...any) { ps = append(ps, fmt.Errorf(format, a...)) }
	switch c.Store.Driver {
	case driverSQLite:
		if strings.TrimSpace(c.DataDir) == "" {
			add("data_dir is empty")
		}
		if c.Store.DSN != "" {
			add("store.dsn is for driver \"postgres\"; SQLite keeps its database under data_dir")
		}
	case driverPostgres:
		if strings.TrimSpace(c.Store.DSN) == "" {
			add("store.dsn is empty: driver \"postgres\" needs e.g. \"postgres://mmsc@db.example.net:5432/mmsc\"")
		}
	default:
		add("store.driver %q: want \"sqlite\" or \"postgres\"", c.Store.Driver)
	}
	if time.Duration(c.Store.Lease) < time.Second {
		add("store.lease %s: want at least 1s (a live node renews its leases every third of it)", time.Duration(c.Store.Lease))
	}
	if !isHostName(c.MMSDomain) {
		add("mms_domain %q is not a host name", c.MMSDomain)
	}
	if !isHostName(c.LocalHost) {
		add("local_host %q is not a host name or IP address", c.LocalHost)
	}
	checkListen := func(key, v string, required bool) {
		if v == "" {
			if required {
				add("%s is empty", key)
			}
			return
		}
		if _, _, err := net.SplitHostPort(v); err != nil {
			add("%s %q is not host:port", key, v)
		}
	}
	checkListen("smtp.listen", c.SMTP.Listen, true)
	checkListen("smtp.tls_listen", c.SMTP.TLSListen, false)
	checkListen("http.listen", c.HTTP.Listen, true)
	checkListen("admin.listen", c.Admin.Listen, false)
	if c.Log.Format != logJSON && c.Log.Format != logText {
		add("log.format %q: want \"json\" or \"text\"", c.Log.Format)
	}
	if (c.Admin.CertFile == "") != (c.Admin.KeyFile == "") {
		add("admin.cert_file and admin.key_file must be set together")
	}
	if c.Admin.Token != "" && len(c.Admin.Token) < 16 {
		add("admin.token is %d characters; use at least 16 (or leave it empty to have one made)", len(c.Admin.Token))
	}
	if (c.SMTP.CertFile == "") != (c.SMTP.KeyFile == "") {
		add("smtp.cert_file and smtp.key_file must be set together")
	}
	for key, f := range map[string]string{"smtp.cert_file": c.SMTP.CertFile, "smtp.key_file": c.SMTP.KeyFile,
		"admin.cert_file": c.Admin.CertFile, "admin.key_file": c.Admin.KeyFile} {
		if f != "" {
			if _, err := os.Stat(f); err != nil {
				add("%s: %v", key, err)
			}
		}
	}
	if c.SMTP.TLSListen != "" && c.SMTP.CertFile == "" {
		add("smtp.tls_listen needs smtp.cert_file and smtp.key_file")
	}
	positive := func(key string, v int64) {
		if v <= 0 {
			add("%s must be positive, not %d", key, v)
		}
	}
	positive("smtp.max_message_size", c.SMTP.MaxMessageSize)
	positive("smtp.max_recipients", int64(c.SMTP.MaxRecipients))
	positive("smtp.max_connections_per_ip", int64(c.SMTP.MaxConnsPerIP))
	positive("smtp.max_connections_per_account", int64(c.SMTP.MaxConnsPerAcct))
	positive("smtp.max_connections", int64(c.SMTP.MaxConns))
	positive("smtp.auth_failures_per_minute", int64(c.SMTP.AuthFailureLimit))
	positive("smtp.read_timeout", int64(c.SMTP.ReadTimeout))
	positive("smtp.data_timeout", int64(c.SMTP.DataTimeout))
	positive("http.max_connections", int64(c.HTTP.MaxConns))
	positive("http.max_connections_per_ip", int64(c.HTTP.MaxConnsPerIP))
	positive("http.header_timeout", int64(c.HTTP.HeaderTimeout))
	positive("http.idle_timeout", int64(c.HTTP.IdleTimeout))
	positive("http.stall_timeout", int64(c.HTTP.StallTimeout))
	positive("http.min_bytes_per_second", int64(c.HTTP.MinRate))
	checkListen("smpp.address", c.SMPP.Address, false)
	if c.SMPP.SourceAddr == "" {
		add("smpp.source_addr is empty")
	}
	positive("smpp.max_submits_per_second", int64(c.SMPP.SubmitsPerSecond))
	if c.HTTP.PublicURL != "" {
		if u, err := url.Parse(c.HTTP.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("http.public_url %q is not an http:// or https:// URL", c.HTTP.PublicURL)
		}
	}
	for _, m := range c.MM1.LocalNumbers {
		if strings.Contains(m, ",") || strings.TrimSpace(m) == "" {
			add("mm1.local_numbers: %q: give one mask per list item, like [\"+44*\", \"+4477*\"]", m)
		}
	}
	for _, h := range c.MM1.MSISDNHeaders {
		if h == "" || strings.ContainsAny(h, " :\t") {
			add("mm1.msisdn_headers: %q is not a header name", h)
		}
	}
	if _, err := c.trustedProxies(); err != nil {
		add("mm1.trusted_proxies: %v", err)
	}
	positive("mm1.max_message_size", c.MM1.MaxMessageSize)
	positive("mm7.max_message_size", c.MM7.MaxMessageSize)
	positive("mm1.retain_days", int64(c.MM1.RetainDays))
	positive("mm1.renotify_after", int64(c.MM1.RenotifyAfter))
	positive("mm1.max_notifications", int64(c.MM1.MaxNotifications))
	if c.MM1.ConvertAfter < 0 {
		add("mm1.convert_after %s: want a positive duration, or 0 for never", time.Duration(c.MM1.ConvertAfter))
	}
	if c.MM4.SystemUser == "" || strings.ContainsAny(c.MM4.SystemUser, "@ <>\t") {
		add("mm4.system_user %q is not the local part of an address", c.MM4.SystemUser)
	}
	positive("mm4.max_forwards", int64(c.MM4.MaxForwards))
	if c.MM4.RoutingURL != "" {
		if u, err := url.Parse(c.MM4.RoutingURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("mm4.routing_url %q is not an http:// or https:// URL", c.MM4.RoutingURL)
		}
	}
	positive("mm4.routing_timeout", int64(c.MM4.RoutingTimeout))
	switch c.WAPPush.Mode {
	case "si", "sms", "both":
	default:
		add("wappush.mode %q: want \"si\", \"sms\" or \"both\"", c.WAPPush.Mode)
	}
	if c.WAPPush.ExpireAfterFirstAccess < 0 {
		add("wappush.expire_after_first_access must not be negative")
	}
	if c.MM4.RoutingFallback != "table" && c.MM4.RoutingFallback != "reject" {
		add("mm4.routing_fallback %q: want \"table\" or \"reject\"", c.MM4.RoutingFallback)
	}
	if err := c.CDR.problem(); err != nil {
		add("%w", err)
	}
	return ps
}

// isHostName accepts DNS names and IP literals, which is all the domains
// and host names above may be.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	if net.ParseIP(s) != nil {
		return true
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// trustedProxies reads [mm1] trusted_proxies as the addresses and CIDR
// prefixes (or NowSMS's "10.1.2.*") whose MSISDN header is believed; an
// empty list trusts nobody.
func (c Config) trustedProxies() ([]netip.Prefix, error) {
	for _, p := range c.MM1.TrustedProxies {
		if strings.Contains(p, ",") || strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("%q: give one address or prefix per list item", p)
		}
	}
	l, err := vasp.ParseAllowList(strings.Join(c.MM1.TrustedProxies, ","))
	if err != nil {
		return nil, err
	}
	return append([]netip.Prefix{}, l...), nil
}
