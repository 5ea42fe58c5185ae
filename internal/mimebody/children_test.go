package mimebody

import (
	"errors"
	"testing"
)

// TestChildren: the direct parts of a multipart/related (RFC 2387), the
// nested multipart left whole for its own reading.
func TestChildren(t *testing.T) {
	body := "--outer\r\nContent-Type: text/xml\r\nContent-ID: <soap>\r\n\r\n<x/>\r\n" +
		"--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\nContent-ID: <content>\r\n\r\n" +
		"--inner\r\nContent-Type: text/plain\r\n\r\nhi\r\n--inner--\r\n" +
		"--outer--\r\n"
	h, err := ReadHeader([]byte("Content-Type: multipart/related; boundary=outer; start=\"<soap>\"\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	kids, err := Children(h, []byte(body))
	if err != nil || len(kids) != 2 {
		t.Fatalf("%d children, %v; want 2", len(kids), err)
	}
	if got := ContentID(kids[0].Header.Get("Content-ID")); got != "<soap>" || string(kids[0].Body) != "<x/>" {
		t.Errorf("first child %s %q", got, kids[0].Body)
	}
	_, parts, err := Decode(kids[1].Header, kids[1].Body)
	if err != nil || len(parts) != 1 || string(parts[0].Data) != "hi" {
		t.Errorf("the nested multipart read as %v, %v", parts, err)
	}
	h, _ = ReadHeader([]byte("Content-Type: text/plain\r\n\r\n"))
	if _, err := Children(h, []byte("hi")); !errors.Is(err, ErrMalformed) {
		t.Errorf("a text/plain split: %v, want ErrMalformed", err)
	}
}
