package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The defaults are the ones the issue and the README promise.
func TestDefaults(t *testing.T) {
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"data_dir":                 {cfg.DataDir, "mmsc-data"},
		"mms_domain":               {cfg.MMSDomain, "mms.localhost"},
		"local_host":               {cfg.LocalHost, "localhost"},
		"smtp.listen":              {cfg.SMTP.Listen, "127.0.0.1:2525"},
		"smtp.tls_listen":          {cfg.SMTP.TLSListen, ""},
		"smtp.max_message_size":    {cfg.SMTP.MaxMessageSize, int64(2097152)},
		"smtp.max_recipients":      {cfg.SMTP.MaxRecipients, 100},
		"smtp.read_timeout":        {time.Duration(cfg.SMTP.ReadTimeout), 5 * time.Minute},
		"http.listen":              {cfg.HTTP.Listen, "127.0.0.1:8080"},
		"auth_failures_per_minute": {cfg.SMTP.AuthFailureLimit, 5},
	}
	for key, c := range checks {
		if !reflect.DeepEqual(c[0], c[1]) {
			t.Errorf("%s = %v, want %v", key, c[0], c[1])
		}
	}
}

// The configuration reference in the README is a valid file that says
// exactly the defaults, so the documentation cannot drift from the code.
func TestREADMEConfigIsTheDefaults(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The reference is the first TOML block of the Configuration section.
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	_, rest, ok := strings.Cut(section, "```toml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README has no ```toml block")
	}
	path := filepath.Join(t.TempDir(), "readme.toml")
	if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("README configuration: %v", err)
	}
	if def := defaultConfig(); !reflect.DeepEqual(cfg, def) {
		t.Errorf("README configuration differs from the defaults:\n got %+v\nwant %+v", cfg, def)
	}
}
