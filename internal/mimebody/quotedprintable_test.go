package mimebody

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"strings"
	"sync"
	"testing"
)

// referenceQuotedPrintable is how decodeTransfer used to decode
// quoted-printable, before it recycled the reader's buffer.
func referenceQuotedPrintable(raw []byte) ([]byte, error) {
	return io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
}

func sameQuotedPrintable(t *testing.T, raw []byte) {
	t.Helper()
	got, err := decodeQuotedPrintable(raw)
	want, wantErr := referenceQuotedPrintable(raw)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Errorf("decodeQuotedPrintable(%q): error %v, want %v", raw, err, wantErr)
		return
	}
	if err == nil && (!bytes.Equal(got, want) || got == nil) {
		t.Errorf("decodeQuotedPrintable(%q) = %q, want %q", raw, got, want)
	}
}

var qpOddities = []string{
	"",
	"plain",
	"Gr=C3=BC=C3=9Fe\r\n",
	"soft=\r\nbreak=\nand LF\n",
	"trailing   \r\nwhite\t\r\n",
	"=ZZ kept, =3 short, =",
	"= \r\nspace after soft break",
	"=\r",
	"bad \x01 byte",
	"8bit \xff byte",
	"line\r\r\nends\rodd",
	strings.Repeat("a", 5000) + "=\r\n" + strings.Repeat("=41", 3000),
}

func TestDecodeQuotedPrintableMatchesReference(t *testing.T) {
	for _, s := range qpOddities {
		sameQuotedPrintable(t, []byte(s))
	}
	// The pooled readers must not leak one body into another. (Errorf in
	// sameQuotedPrintable, not Fatalf: these are other goroutines.)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				sameQuotedPrintable(t, []byte(qpOddities[(i+j)%len(qpOddities)]))
			}
		}()
	}
	wg.Wait()
}

// FuzzDecodeQuotedPrintable: decodeQuotedPrintable agrees with the
// standard reader read to the end.
func FuzzDecodeQuotedPrintable(f *testing.F) {
	for _, s := range qpOddities {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sameQuotedPrintable(t, raw)
	})
}
