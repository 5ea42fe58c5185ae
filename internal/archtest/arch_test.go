package archtest

import (
	"fmt"
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
	dir     string          // relative to the module root, e.g. "internal/smtpd"
	imports map[string]bool // of this module, relative to its root
	others  map[string]bool // of other modules and the standard library, as written
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
			p = &pkg{dir: rel, imports: map[string]bool{}, others: map[string]bool{}}
			pkgs[rel] = p
		}
		if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			p.hasDoc = true
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(path, module) {
				p.imports[strings.TrimPrefix(path, module)] = true
			} else {
				p.others[path] = true
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

// metrics measures everything and is imported by nothing but cmd/mmsc: the
// measured packages declare observer interfaces in plain words, so neither
// they nor their tests depend on Prometheus. It knows only the vocabulary's
// mms, for the words its labels are made of.
const metrics = "internal/metrics"

// prometheus is the module only metrics may import.
const prometheus = "github.com/prometheus/"

func TestImportsPointInward(t *testing.T) {
	for _, p := range loadPackages(t) {
		for imp := range p.imports {
			if msg := inward(p.dir, imp); msg != "" {
				t.Error(msg)
			}
		}
		for imp := range p.others {
			if msg := foreign(p.dir, imp); msg != "" {
				t.Error(msg)
			}
		}
	}
}

// foreign says what is wrong with dir importing imp, of another module;
// "" if nothing.
func foreign(dir, imp string) string {
	if strings.HasPrefix(imp, prometheus) && dir != metrics {
		return fmt.Sprintf("%s imports %s: only internal/metrics speaks Prometheus; declare an observer interface", dir, imp)
	}
	return ""
}

// inward says what is wrong with dir importing imp, of this module; "" if
// nothing.
func inward(dir, imp string) string {
	switch {
	case strings.HasPrefix(imp, "cmd/"):
		return fmt.Sprintf("%s imports %s: nothing imports a command", dir, imp)
	case dir == "internal/mms":
		return fmt.Sprintf("internal/mms imports %s: the vocabulary imports nothing of ours", imp)
	case imp == metrics && dir != "cmd/mmsc":
		return fmt.Sprintf("%s imports %s: a measured package declares the observer it calls, and cmd/mmsc hands it the metrics", dir, imp)
	case dir == metrics && imp != "internal/mms":
		return fmt.Sprintf("%s imports %s: the metrics know the vocabulary's words (mms) and nothing else of ours", dir, imp)
	case dir == "internal/queue" && imp != "internal/mms":
		return fmt.Sprintf("internal/queue imports %s: the scheduler knows only the vocabulary", imp)
	case within(imp, "internal/store") && !within(dir, "internal/store") && dir != "cmd/mmsc":
		return fmt.Sprintf("%s imports %s: the store is a leaf that only cmd/mmsc wires in; declare the interface you need", dir, imp)
	case dir == "internal/store" && !vocabulary[imp]:
		return fmt.Sprintf("internal/store imports %s: the store keeps the vocabulary's words and nothing else", imp)
	// The CDR writer turns the vocabulary's final recipients into lines
	// in files, reading them through an interface it declares.
	case dir == "internal/cdr" && imp != "internal/mms":
		return fmt.Sprintf("internal/cdr imports %s: CDRs are written from the vocabulary's words; declare the interface you need", imp)
	case imp == "internal/cdr" && dir != "cmd/mmsc":
		return fmt.Sprintf("%s imports internal/cdr: only cmd/mmsc wires the CDR writer in; a recipient's end reaches it through the store", dir)
	case vocabulary[dir] && imp != "internal/mms":
		return fmt.Sprintf("%s imports %s: a vocabulary builds on mms alone", dir, imp)
	case core[dir] && !vocabulary[imp] && !core[imp]:
		return fmt.Sprintf("%s imports %s: the core speaks only the vocabulary; an interface's wire form belongs to its edge", dir, imp)
	case core[dir] && isEdge(imp):
		return fmt.Sprintf("%s imports the edge %s: the core never imports an edge", dir, imp)
	case isEdge(dir) && (isEdge(imp) || core[imp]):
		return fmt.Sprintf("%s imports %s: an ingress or transport knows neither its peers nor the core; declare the interface you need", dir, imp)
	case plumbing[dir] && !plumbing[imp]:
		return fmt.Sprintf("%s imports %s: listener plumbing knows no edge and no word of the domain", dir, imp)
	case dir == "internal/accept" && imp == "internal/delivery", dir == "internal/delivery" && imp == "internal/accept":
		return fmt.Sprintf("%s imports %s: accepting and delivering meet only in the store", dir, imp)
	}
	return ""
}

// The rules catch what they are for: each broken import here must be
// refused, each allowed one let through.
func TestInwardCatches(t *testing.T) {
	tests := []struct {
		dir, imp string
		ok       bool
	}{
		{"internal/accept", metrics, false},
		{"internal/delivery", metrics, false},
		{"internal/store", metrics, false},
		{"internal/smtpd", metrics, false},
		{"internal/mm4out", metrics, false},
		{"internal/httpserver", metrics, false},
		{"internal/smpp", metrics, false},
		{metrics, "internal/store", false},
		{metrics, "internal/accept", false},
		{metrics, "internal/vasp", false},
		{metrics, "internal/mms", true},
		{"cmd/mmsc", metrics, true},
		{"internal/accept", "internal/mms", true},
		{"internal/accept", "internal/smtpd", false},
		{"internal/smtpd", "internal/accept", false},
		{"internal/httpserver", "internal/mms", false},
		{"internal/store", "internal/mm4", false},
	}
	for _, tt := range tests {
		if msg := inward(tt.dir, tt.imp); (msg == "") != tt.ok {
			t.Errorf("%s importing %s: %q, want allowed=%v", tt.dir, tt.imp, msg, tt.ok)
		}
	}
	others := []struct {
		dir, imp string
		ok       bool
	}{
		{"internal/accept", "github.com/prometheus/client_golang/prometheus", false},
		{"cmd/mmsc", "github.com/prometheus/client_golang/prometheus/promhttp", false},
		{metrics, "github.com/prometheus/client_golang/prometheus", true},
		{"internal/smtpd", "github.com/emersion/go-smtp", true},
	}
	for _, tt := range others {
		if msg := foreign(tt.dir, tt.imp); (msg == "") != tt.ok {
			t.Errorf("%s importing %s: %q, want allowed=%v", tt.dir, tt.imp, msg, tt.ok)
		}
	}
}
