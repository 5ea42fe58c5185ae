package mimebody

import (
	"bufio"
	"bytes"
	"mime/quotedprintable"
	"sync"
)

// qpReaders recycles the 4 KB buffer quotedprintable.NewReader would
// otherwise allocate for every part: given a bufio.Reader at least that
// large, it reads through it rather than wrapping it in another.
var qpReaders = sync.Pool{New: func() any {
	r := new(qpReader)
	r.buf = bufio.NewReaderSize(&r.src, 4096)
	return r
}}

type qpReader struct {
	src bytes.Reader
	buf *bufio.Reader // reads src
}

// decodeQuotedPrintable decodes a quoted-printable body with the standard
// reader, which keeps invalid escapes like "=ZZ" as text, as RFC 2045 §6.7
// suggests a robust decoder do.
func decodeQuotedPrintable(raw []byte) ([]byte, error) {
	r := qpReaders.Get().(*qpReader)
	defer qpReaders.Put(r)
	r.src.Reset(raw)
	defer r.src.Reset(nil) // no hold on raw from the pool
	r.buf.Reset(&r.src)
	// Decoding never lengthens the text, so out never grows.
	var out bytes.Buffer
	out.Grow(len(raw) + bytes.MinRead)
	if _, err := out.ReadFrom(quotedprintable.NewReader(r.buf)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
