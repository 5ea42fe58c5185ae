package smpp

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/smpp/smsctest"
)

// Regression for gosmpp#189. gosmpp multiplies Settings.StoreAccessTimeOut
// by time.Millisecond, so a time.Duration passed in (100*time.Millisecond)
// becomes 100 million milliseconds. This client sidesteps the whole
// Session/Settings machinery; the test keeps it that way. Anyone who brings
// the session API back must pass StoreAccessTimeOut as a bare number of
// milliseconds (100, not 100*time.Millisecond) and replace this test with
// one that checks that.
func TestNoGosmppSessionSettings_Gosmpp189(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/linxGnu/gosmpp"` {
				t.Errorf("%s imports gosmpp's session package; see gosmpp#189 before using Settings", name)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "StoreAccessTimeOut" {
				t.Errorf("%s: StoreAccessTimeOut is in milliseconds inside gosmpp (#189): pass 100, not 100*time.Millisecond",
					fset.Position(id.Pos()))
			}
			return true
		})
	}
}

// The client's own timeouts are real time.Durations: a 100ms SubmitTimeout
// ends the wait after about 100ms (not 100ms × 10⁶) and frees the window
// slot the silent submit held.
func TestSubmitTimeoutIsADuration_Gosmpp189(t *testing.T) {
	srv := newServer(t)
	srv.SetHandler(func(smsctest.Submit) uint32 { return smsctest.NoResponse })
	cfg := testConfig(srv.Addr())
	cfg.SubmitTimeout = 100 * time.Millisecond
	cfg.Window = 1
	c := startClient(t, cfg, nil, nil)
	connected(t, c)

	start := time.Now()
	_, err := c.Submit(ctxFor(t), push("+447700900456", seg1))
	elapsed := time.Since(start)
	if !errors.Is(err, ErrResponseTimeout) || !Temporary(err) {
		t.Fatalf("err = %v, want temporary ErrResponseTimeout", err)
	}
	if elapsed < 100*time.Millisecond {
		t.Errorf("gave up after %v, before SubmitTimeout", elapsed)
	}
	if n := len(c.window); n != 0 {
		t.Errorf("%d window slots still held after the timeout", n)
	}
}
