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

// The edges talk to the outside world; the core decides and stores; the
// rest are vocabularies (mms, vasp, route) and codecs (mm4, mimebody, mmsenc,
// mm7soap)
// that any of them may use.
// Ingress edges turn a wire form into mms words and call the accept path;
// transports carry delivery work out. Neither knows the other, nor the
// core: each declares the small interface it needs and cmd/mmsc wires it.
var (
	ingress    = map[string]bool{"internal/smtpd": true, "internal/mm1": true, "internal/web": true, "internal/mm7": true, "internal/admin": true}
	transports = map[string]bool{"internal/wappush": true, "internal/mm4out": true, "internal/mm7out": true}
	core       = map[string]bool{"internal/accept": true, "internal/delivery": true, "internal/queue": true, "internal/store": true}
)

// The vocabulary: mms, and the account and routing words that build on it
// alone. The store persists these and imports nothing else of ours.
var vocabulary = map[string]bool{"internal/mms": true, "internal/vasp": true, "internal/route": true}

// The listeners' plumbing (connection caps, the HTTP server's timeouts)
// serves every edge and knows none of them, nor any word of the domain.
var plumbing = map[string]bool{"internal/connlimit": true, "internal/httpserver": true}

func isEdge(dir string) bool { return ingress[dir] || transports[dir] }

// within reports whether dir is pkg or one of its subpackages.
func within(dir, pkg string) bool { return dir == pkg || strings.HasPrefix(dir, pkg+"/") }

func TestImportsPointInward(t *testing.T) {
	for _, p := range loadPackages(t) {
		for imp := range p.imports {
			switch {
			case strings.HasPrefix(imp, "cmd/"):
				t.Errorf("%s imports %s: nothing imports a command", p.dir, imp)
			case p.dir == "internal/mms":
				t.Errorf("internal/mms imports %s: the vocabulary imports nothing of ours", imp)
			case p.dir == "internal/queue" && imp != "internal/mms":
				t.Errorf("internal/queue imports %s: the scheduler knows only the vocabulary", imp)
			case within(imp, "internal/store") && !within(p.dir, "internal/store") && p.dir != "cmd/mmsc":
				t.Errorf("%s imports %s: the store is a leaf that only cmd/mmsc wires in; declare the interface you need", p.dir, imp)
			case p.dir == "internal/store" && !vocabulary[imp]:
				t.Errorf("internal/store imports %s: the store keeps the vocabulary's words and nothing else", imp)
			// The CDR writer turns the vocabulary's final recipients into
			// lines in files, reading them through an interface it declares.
			case p.dir == "internal/cdr" && imp != "internal/mms":
				t.Errorf("internal/cdr imports %s: CDRs are written from the vocabulary's words; declare the interface you need", imp)
			case imp == "internal/cdr" && p.dir != "cmd/mmsc":
				t.Errorf("%s imports internal/cdr: only cmd/mmsc wires the CDR writer in; a recipient's end reaches it through the store", p.dir)
			case vocabulary[p.dir] && imp != "internal/mms":
				t.Errorf("%s imports %s: a vocabulary builds on mms alone", p.dir, imp)
			case core[p.dir] && !vocabulary[imp] && !core[imp]:
				t.Errorf("%s imports %s: the core speaks only the vocabulary; an interface's wire form belongs to its edge", p.dir, imp)
			case core[p.dir] && isEdge(imp):
				t.Errorf("%s imports the edge %s: the core never imports an edge", p.dir, imp)
			case isEdge(p.dir) && (isEdge(imp) || core[imp]):
				t.Errorf("%s imports %s: an ingress or transport knows neither its peers nor the core; declare the interface you need", p.dir, imp)
			case plumbing[p.dir] && !plumbing[imp]:
				t.Errorf("%s imports %s: listener plumbing knows no edge and no word of the domain", p.dir, imp)
			case p.dir == "internal/accept" && imp == "internal/delivery", p.dir == "internal/delivery" && imp == "internal/accept":
				t.Errorf("%s imports %s: accepting and delivering meet only in the store", p.dir, imp)
			}
		}
	}
}
