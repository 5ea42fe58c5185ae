package main

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mmsc-project/mmsc/internal/admin"
)

func TestRouteVerbs(t *testing.T) {
	path, _ := writeConfig(t, "")
	out, err := mmsc(t, "s3cret\n", "route", "add", "plus", "-match", "+48*,+49*", "-host", "mmsc.plus.example:25",
		"-domain", "mms.mnc001.mcc260.gprs", "-user", "mmsc", "-password", "-", "-strip-prefix", "+", "-config", path)
	if err != nil || !strings.Contains(out, "added route plus: forward over MM4 to mmsc.plus.example:25") {
		t.Fatalf("route add: %v\n%s", err, out)
	}
	if _, err := mmsc(t, "", "route", "add", "premium", "-kind", "reject", "-match", "+4490*", "-config", path); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"route", "add", "plus", "-match", "+48*", "-host", "h:25", "-domain", "d"}, "exists"},
		{[]string{"route", "add", "bad", "-match", "+1*", "-host", "nohostport", "-domain", "d"}, "host:port"},
		{[]string{"route", "add", "none", "-kind", "reject"}, "matches nothing"},
		{[]string{"route", "add", "w", "-kind", "teleport", "-match", "*"}, "kind"},
		{[]string{"route", "remove", "ghost"}, "not found"},
		{[]string{"route", "fly"}, "unknown route verb"},
	}
	for _, tt := range tests {
		if out, err := mmsc(t, "", append(tt.args, "-config", path)...); err == nil || !strings.Contains(err.Error()+out, tt.want) {
			t.Errorf("%v: %v %s; want an error about %q", tt.args, err, out, tt.want)
		}
	}

	out, err = mmsc(t, "", "route", "list", "-json", "-config", path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "s3cret") {
		t.Errorf("route list prints the password:\n%s", out)
	}
	var got []admin.Route
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r admin.Route
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 2 || got[0].Name != "plus" || got[0].Match != "+48*,+49*" || got[0].User != "mmsc" || got[0].StripPrefix != "+" ||
		got[1].Name != "premium" || got[1].Kind != "reject" {
		t.Errorf("route list -json = %+v", got)
	}
	if _, err := mmsc(t, "", "route", "remove", "premium", "-config", path); err != nil {
		t.Fatal(err)
	}
	if out, _ := mmsc(t, "", "route", "list", "-config", path); strings.Contains(out, "premium") || !strings.Contains(out, "plus") {
		t.Errorf("after remove:\n%s", out)
	}
}

// TestListVerbsTakeNoArguments: a stray argument is a usage error, not a
// reason to stop reading flags and list the default store instead.
func TestListVerbsTakeNoArguments(t *testing.T) {
	t.Chdir(t.TempDir()) // where the default store would be made
	path, dataDir := writeConfig(t, "")
	for _, verb := range [][]string{{"route", "list"}, {"vasp", "list"}, {"messages"}} {
		args := append(append([]string{}, verb...), "stray", "-config", path)
		_, err := mmsc(t, "", args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), `unexpected arguments ["stray" "-config"`) {
			t.Errorf("mmsc %v: %v, want a usage error naming the stray argument", args, err)
		}
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("a refused list opened a store at %s: %v", dataDir, err)
	}
	if _, err := os.Stat("mmsc-data"); !os.IsNotExist(err) {
		t.Errorf("a refused list created ./mmsc-data: %v", err)
	}
}
