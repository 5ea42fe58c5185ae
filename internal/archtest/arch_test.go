package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/mmsc-project/mmsc/"

// pkg is one package of the module, read from its non-test files.
type pkg struct {
	dir     string // relative to the module root, e.g. "internal/smtpd"
	imports map[string]bool
	hasDoc  bool
}

func loadPackages(t *testing.T) map[string]*pkg {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not at %s: %v", root, err)
	}
	pkgs := map[string]*pkg{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		p := pkgs[rel]
		if p == nil {
			p = &pkg{dir: rel, imports: map[string]bool{}}
			pkgs[rel] = p
		}
		if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			p.hasDoc = true
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(path, module) {
				p.imports[strings.TrimPrefix(path, module)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 5 {
		t.Fatalf("found only %d packages; is the walk broken?", len(pkgs))
	}
	return pkgs
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range loadPackages(t) {
		if !p.hasDoc {
			t.Errorf("package %s has no doc comment (say what it is and which spec it follows, in doc.go)", p.dir)
		}
	}
}

// The edges talk to the outside world; the core decides and stores.
var (
	edges = map[string]bool{"internal/smtpd": true, "internal/mm1": true, "internal/wappush": true, "internal/web": true}
	core  = map[string]bool{"internal/relay": true, "internal/queue": true, "internal/store": true, "internal/vasp": true}
)

func TestImportsPointInward(t *testing.T) {
	for _, p := range loadPackages(t) {
		for imp := range p.imports {
			switch {
			case strings.HasPrefix(imp, "cmd/"):
				t.Errorf("%s imports %s: nothing imports a command", p.dir, imp)
			case p.dir == "internal/mms":
				t.Errorf("internal/mms imports %s: the vocabulary imports nothing of ours", imp)
			case core[p.dir] && edges[imp]:
				t.Errorf("%s imports the edge %s: the core never imports an edge", p.dir, imp)
			case edges[p.dir] && edges[imp]:
				t.Errorf("%s imports the edge %s: edges meet only through a codec", p.dir, imp)
			}
		}
	}
}
