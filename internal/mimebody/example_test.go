package mimebody_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mimebody"
)

// A WAP multipart with a Latin-1 text and a base64 image, delimiters after
// bare LFs, as handsets send them.
func ExampleDecode() {
	raw := strings.Join([]string{
		`Subject: =?iso-8859-1?q?caf=E9?=`,
		`Content-Type: application/vnd.wap.multipart.related; start=<t>; boundary=b`,
		``,
		`--b`,
		`Content-Type: text/plain; charset=iso-8859-1`,
		`Content-ID: t`,
		``,
		"caf\xe9",
		`--b`,
		`Content-Type: image/gif; name="a b.gif"`,
		`Content-Transfer-Encoding: base64`,
		``,
		`R0lG`,
		`--b--`,
	}, "\n")
	h, body, err := mimebody.Split([]byte(raw))
	if err != nil {
		panic(err)
	}
	fmt.Println(mimebody.Text(h.Get("Subject")))
	typ, parts, err := mimebody.Decode(h, body)
	if err != nil {
		panic(err)
	}
	fmt.Println(typ)
	for _, p := range parts {
		fmt.Printf("%s %s %q %q\n", p.ContentType, p.ContentID, p.Name, p.Data)
	}

	_, _, err = mimebody.Decode(h, []byte("--b\n\nno closing delimiter"))
	fmt.Println(err, errors.Is(err, mimebody.ErrMalformed))
	// Output:
	// café
	// multipart/related; start="<t>"
	// text/plain; charset=utf-8 <t> "" "café"
	// image/gif; name="a b.gif"  "a b.gif" "GIF"
	// malformed MIME: part 1: closing boundary "b" missing (truncated part) true
}
