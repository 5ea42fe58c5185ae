package mimebody

import (
	"bufio"
	"bytes"
	"net/textproto"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gmtextproto "github.com/emersion/go-message/textproto"
)

// goMessageHeader is how ReadHeader used to parse a block, and the
// reference it must keep matching.
func goMessageHeader(b []byte) (gmtextproto.Header, error) {
	return gmtextproto.ReadHeader(bufio.NewReaderSize(bytes.NewReader(b), min(len(b)+16, 4096)))
}

// referenceHeaderEnd is headerEnd as it was: two searches, the earlier
// match wins.
func referenceHeaderEnd(b []byte) int {
	if len(b) > MaxHeaderBytes+2 {
		b = b[:MaxHeaderBytes+2]
	}
	switch {
	case bytes.HasPrefix(b, []byte("\n")):
		return 1
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	}
	lf := bytes.Index(b, []byte("\n\n"))
	crlf := bytes.Index(b, []byte("\n\r\n"))
	switch {
	case lf < 0 && crlf < 0:
		return -1
	case crlf < 0 || lf >= 0 && lf < crlf:
		return lf + 2
	default:
		return crlf + 3
	}
}

// lookedUp are the names mimebody and mm4 ask headers for.
var lookedUp = []string{
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-Location", "Content-ID",
	"From", "To", "Cc", "Sender", "Subject", "Date", "Message-ID",
	"X-Mms-Message-Type", "X-Mms-3GPP-MMS-Version", "X-Mms-Transaction-ID", "X-Mms-Message-ID",
	"X-Mms-Message-Class", "X-Mms-Priority", "X-Mms-Expiry", "X-Mms-Ack-Request", "X-Mms-Delivery-Report",
	"X-Mms-Read-Reply", "X-Mms-Read-Report", "X-Mms-Originator-System", "X-Mms-Sender-Visibility",
	"X-Mms-Forward-Counter", "X-Mms-Request-Status-Code", "X-Mms-Status-Text", "X-Mms-MM-Status-Code",
}

// sameAsGoMessage fails t unless ReadHeader reads b as go-message does:
// the same error text, or the same fields in the same order, and the same
// answer to Get and Values for every name that is a token (the only names
// callers ask for).
func sameAsGoMessage(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := goMessageHeader(b)
	got, err := ReadHeader(b)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("ReadHeader(%q): error %v, go-message %v", b, err, wantErr)
	}
	if err != nil {
		return
	}
	var wantFields []headerField
	for fs := want.Fields(); fs.Next(); {
		wantFields = append(wantFields, headerField{fs.Key(), fs.Value()})
	}
	var gotFields []headerField
	for _, f := range got.fields {
		gotFields = append(gotFields, headerField{textproto.CanonicalMIMEHeaderKey(f.key), f.value})
	}
	if !reflect.DeepEqual(gotFields, wantFields) {
		t.Fatalf("ReadHeader(%q):\n got %q\nwant %q", b, gotFields, wantFields)
	}
	// Every name once, in three cases; a few hundred are plenty, and
	// each lookup walks all fields.
	keys := append([]string{}, lookedUp...)
	seen := map[string]bool{}
	for _, f := range got.fields {
		if k := strings.ToLower(f.key); !seen[k] && len(seen) < 200 {
			seen[k] = true
			keys = append(keys, f.key, k, strings.ToUpper(f.key))
		}
	}
	for _, k := range keys {
		if !isHeaderToken(k) {
			continue
		}
		if g, w := got.Get(k), want.Get(k); g != w {
			t.Fatalf("ReadHeader(%q).Get(%q) = %q, go-message %q", b, k, g, w)
		}
		if g, w := got.Values(k), want.Values(k); !reflect.DeepEqual(g, w) {
			t.Fatalf("ReadHeader(%q).Values(%q) = %q, go-message %q", b, k, g, w)
		}
	}
}

// isHeaderToken reports whether net/textproto would canonicalise k.
func isHeaderToken(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// headerOddities are header blocks at the edges of the format.
var headerOddities = []string{
	"",
	"\r\n",
	"\n",
	"\r",
	"Subject: x",
	"Subject: x\r",
	"Subject: x\r\n",
	"Subject: x\r\r\n\r\n",
	"Subject: x\r\n\r\nbody: y\r\n",
	"Subject: x\n\nbody: y\n",
	"subject:x\nSUBJECT: y\nSubject : z\n\n",
	"To: a\r\nCc: b\r\nTo: c\r\n\r\n",
	"Subject: folded\r\n  over\r\n\tthree lines\r\n\r\n",
	"Subject:\r\n \r\n\t\r\n  x  \r\n\r\n",
	"Subject: a\r\n \r\n",
	"Subject: a\r\n ",
	" Subject: initial space\r\n\r\n",
	"\tSubject: initial tab\r\nTo: x\r\n\r\n",
	"no colon here\r\n\r\n",
	"no colon\r\n but: here\r\n\r\n",
	"no colon\r\n still none\r\n\r\n",
	"\r\r\n: x\r\n\r\n",
	": empty name\r\nTo: x\r\n\r\n",
	"  : x\r\n",
	"Bad Key: x\r\n\r\n",
	"Bad\x01Key: x\r\n\r\n",
	"Bad\x7fKey: x\r\n\r\n",
	"Ünïcode: x\r\n\r\n",
	"Key\t: tab before colon\r\n\r\n",
	"X(odd): not a token\r\nx(ODD): y\r\n\r\n",
	"Content-Type: text/plain\r\nContent-type: text/html\r\n\r\n",
	"X-Mms-3gpp-mms-version: 6.3.0\r\nx-mms-transaction-id: \"a\"\r\n\r\n",
	"Subject: a\rb\r\n\r\n",
	"Subject: a\x00b\r\n\r\n",
	"Subject: \xff\xfe\r\n\r\n",
	"Subject: x\r\n\r\n\r\n",
	"Subject: " + strings.Repeat("a", 4090) + "\r\n\r\n",
	"Subject: " + strings.Repeat("a", 4085) + "\r\n b\r\n\r\n",
	strings.Repeat("x", 4095) + "\r\nTo: y\r\n\r\n",
	strings.Repeat("x", 4094) + "\r\r\n\r\n",
	"Subject: " + strings.Repeat("a ", 5000) + "\r\n\r\n",
	"Subject: " + strings.Repeat("a", 9000) + "\r\r\n",
}

func TestHeaderEndMatchesReference(t *testing.T) {
	long := strings.Repeat("x", MaxHeaderBytes)
	for _, s := range append(headerOddities,
		"a\n\r\n\nb", "a\n\n\r\nb", "a\r\n\r\r\n\r\n", "a\r\r\n\n",
		long+"\n\n", long+"\r\n\r\n", long[2:]+"\n\r\n", long[1:]+"\n\r\n", long[3:]+"\n\r\n") {
		if got, want := headerEnd([]byte(s)), referenceHeaderEnd([]byte(s)); got != want {
			t.Errorf("headerEnd(%.40q) = %d, want %d", s, got, want)
		}
	}
}

// mails are the messages of mm4's corpus: real MIME from MMS peers and
// mail clients, which mimebody reads for mm4 and will for MM3 and MM7.
func mails(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "mm4", "testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no mails in mm4's testdata: %v", err)
	}
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestReadHeaderMatchesGoMessage(t *testing.T) {
	for _, s := range headerOddities {
		sameAsGoMessage(t, []byte(s))
	}
	for _, b := range mails(t) {
		if end := headerEnd(b); end >= 0 {
			b = b[:end]
		}
		sameAsGoMessage(t, b)
	}
}

// FuzzReadHeader: ReadHeader reads any block as go-message does, and
// headerEnd finds its end as it used to.
func FuzzReadHeader(f *testing.F) {
	for _, s := range headerOddities {
		f.Add([]byte(s))
	}
	for _, b := range mails(f) {
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := headerEnd(b), referenceHeaderEnd(b); got != want {
			t.Fatalf("headerEnd(%q) = %d, want %d", b, got, want)
		}
		sameAsGoMessage(t, b)
	})
}
