package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mm4"
)

func TestStoreConfigProblems(t *testing.T) {
	tests := []struct{ store, want string }{
		{`driver = "mysql"`, `store.driver "mysql": want "sqlite" or "postgres"`},
		{`driver = "postgres"`, `store.dsn is empty`},
		{`dsn = "postgres://x@y/z"`, `store.dsn is for driver "postgres"`},
		{`lease = "0s"`, `store.lease 0s: want at least 1s`},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "mmsc.toml")
		os.WriteFile(path, []byte("[store]\n"+tt.store+"\n"), 0o600)
		out, err := mmsc(t, "", "check-config", "-config", path)
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("[store] %s: %v, output %q; want a problem saying %q", tt.store, err, out, tt.want)
		}
	}
}

// TestMigrate: check-config says where the schema is without changing it;
// migrate brings it up once, then has nothing to do.
func TestMigrate(t *testing.T) {
	path, dataDir := writeConfig(t, "")
	want := fmt.Sprintf("(this program migrates it to %d", schemaVersions(t, path))
	out, err := mmsc(t, "", "check-config", "-config", path)
	if err != nil || !strings.Contains(out, "sqlite store at schema version 0 "+want) {
		t.Errorf("check-config on a new data_dir: %v, %q", err, out)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("check-config created %s (%v); it must change nothing", dataDir, err)
	}
	checkMigrate(t, path, "sqlite")
}

// schemaVersions is the schema version this program migrates to.
func schemaVersions(t *testing.T, path string) int {
	t.Helper()
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := schemaVersion(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

func checkMigrate(t *testing.T, path, driver string) {
	t.Helper()
	n := schemaVersions(t, path)
	out, err := mmsc(t, "", "migrate", "-config", path)
	if want := fmt.Sprintf("%s store: schema migrated from version 0 to %d\n", driver, n); err != nil || out != want {
		t.Errorf("migrate: %v, %q; want %q", err, out, want)
	}
	out, err = mmsc(t, "", "migrate", "-config", path)
	if want := fmt.Sprintf("%s store: schema at version %d, nothing to do\n", driver, n); err != nil || out != want {
		t.Errorf("migrate again: %v, %q; want %q", err, out, want)
	}
	out, err = mmsc(t, "", "check-config", "-config", path)
	if want := fmt.Sprintf(": ok; %s store at schema version %d\n", driver, n); err != nil || !strings.HasSuffix(out, want) {
		t.Errorf("check-config after migrate: %v, %q; want it to end %q", err, out, want)
	}
}

// TestCLIOnPostgres: the store verbs and a submission work the same way on
// PostgreSQL, and check-config says when the database cannot be reached.
func TestCLIOnPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	path, _ := writeConfig(t, postgresConfig(dsn))
	checkMigrate(t, path, "postgres")
	for _, args := range [][]string{
		{"vasp", "add", "acme", "-password", "secret"},
		{"vasp", "add", "127.0.0.1"},
		{"route", "add", "pl", "-match", "+48*", "-host", "mmsc.example.pl:25", "-domain", "mms.example.pl"},
	} {
		if out, err := mmsc(t, "", append(args, "-config", path)...); err != nil {
			t.Fatalf("mmsc %v: %v\n%s", args, err, out)
		}
	}
	if out, err := mmsc(t, "", "vasp", "list", "-config", path); err != nil || !strings.Contains(out, "acme") {
		t.Errorf("vasp list: %v\n%s", err, out)
	}
	if out, err := mmsc(t, "", "route", "list", "-config", path); err != nil || !strings.Contains(out, "mmsc.example.pl:25") {
		t.Errorf("route list: %v\n%s", err, out)
	}
	addrs := serveInProcess(t, path)
	msg, err := mm4.Build(mm4.ForwardRequest{From: "+447779998888/TYPE=PLMN@mms.example.net",
		To: []string{"+447778889999/TYPE=PLMN@mms.example.net"}, Subject: "on postgres", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	id := submitTo(t, addrs["SMTP (MM4)"], msg, "+447778889999/TYPE=PLMN@mms.example.net")
	out, err := mmsc(t, "", "messages", "-json", "-config", path)
	if err != nil || !strings.Contains(out, string(id)) || !strings.Contains(out, `"subject":"on postgres"`) {
		t.Errorf("messages -json: %v\n%s", err, out)
	}

	down, _ := writeConfig(t, postgresConfig("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"))
	out, err = mmsc(t, "", "check-config", "-config", down)
	if err == nil || !strings.Contains(err.Error(), "cannot be reached") || !strings.Contains(out, "127.0.0.1") {
		t.Errorf("check-config with the database down: %v, %q", err, out)
	}
}
