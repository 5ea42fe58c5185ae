package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestContentLogAppendRead(t *testing.T) {
	dir := t.TempDir()
	l, err := openContentLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	pieces := [][]byte{[]byte("raw message"), {}, bytes.Repeat([]byte{0xff}, 70000)}
	refs, err := l.append(pieces)
	if err != nil {
		t.Fatal(err)
	}
	more, err := l.append([][]byte{[]byte("second batch")})
	if err != nil {
		t.Fatal(err)
	}
	refs = append(refs, more...)
	pieces = append(pieces, []byte("second batch"))
	// A second process's view: a fresh log on the same directory.
	other, err := openContentLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.close()
	for i, ref := range refs {
		for _, r := range []*contentLog{l, other} {
			got, err := r.read(ref)
			if err != nil || !bytes.Equal(got, pieces[i]) {
				t.Errorf("read %s = %d bytes, %v; want %d bytes", ref, len(got), err, len(pieces[i]))
			}
		}
	}
	// Appends from the second log go after the first's, never over them.
	theirs, err := other.append([][]byte{[]byte("from another process")})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l.read(theirs[0]); string(got) != "from another process" {
		t.Errorf("other's append reads back %q", got)
	}
	for i, ref := range refs {
		if got, _ := l.read(ref); !bytes.Equal(got, pieces[i]) {
			t.Errorf("%s overwritten", ref)
		}
	}
}

func TestContentLogRotatesAndRecovers(t *testing.T) {
	dir := t.TempDir()
	l, err := openContentLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	refs, err := l.append([][]byte{[]byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	// A full segment (faked by growing the file) is followed by a new one.
	if err := os.Truncate(filepath.Join(dir, contentDir, segmentName(1)), segmentLimit); err != nil {
		t.Fatal(err)
	}
	next, err := l.append([][]byte{[]byte("b")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(next[0], "2:0:") {
		t.Errorf("after a full segment, ref %s; want segment 2 at offset 0", next[0])
	}
	// A segment given up after a failure is never appended to again.
	l.abandon()
	after, err := l.append([][]byte{[]byte("c")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(after[0], "3:0:") {
		t.Errorf("after abandoning segment 2, ref %s; want segment 3", after[0])
	}
	if got, _ := l.read(refs[0]); string(got) != "a" {
		t.Errorf("first piece reads %q", got)
	}
	for _, bad := range []string{"", "1:2", "x:0:1", "0:0:1", "1:-1:1", "1:0:99999999999"} {
		if _, err := l.read(bad); err == nil {
			t.Errorf("read(%q) succeeded", bad)
		}
	}
}

// When another process starts a new segment, this one follows it there
// instead of appending to the old one.
func TestContentLogFollowsAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	a, err := openContentLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	b, err := openContentLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if refs, err := a.append([][]byte{[]byte("a1")}); err != nil || !strings.HasPrefix(refs[0], "1:") {
		t.Fatalf("a's first append: %v %v", refs, err)
	}
	if _, err := b.append([][]byte{[]byte("b1")}); err != nil {
		t.Fatal(err)
	}
	b.abandon() // b gives up segment 1 and moves to 2
	if refs, err := b.append([][]byte{[]byte("b2")}); err != nil || !strings.HasPrefix(refs[0], "2:0:") {
		t.Fatalf("b after abandoning: %v %v", refs, err)
	}
	refs, err := a.append([][]byte{[]byte("a2")})
	if err != nil || !strings.HasPrefix(refs[0], "2:2:") {
		t.Fatalf("a after b moved on: %v %v; want segment 2 after b's piece", refs, err)
	}
}
