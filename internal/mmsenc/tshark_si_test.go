package mmsenc

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mmsenc/tsharktest"
)

// wbxmlView is what tshark's WBXML dissector, with its own tables of the SI
// code page, makes of a document: the elements' names, each attribute's
// value with its start token, strings and value tokens joined, and the text.
type wbxmlView struct {
	tags  []string
	attrs map[string]string
	text  string
}

// tsharkWBXML dissects pushes and reads the "Data representation" tshark
// prints with -V: one line per token, "Level | State | Codepage | Token |
// Rendering", where the rendering is the decoded value (quoted strings,
// href='http://', '.com/', %DateTime: 2007-05-08T09:18:32Z).
func tsharkWBXML(t *testing.T, tshark string, frames [][]byte) []wbxmlView {
	t.Helper()
	pcap := filepath.Join(t.TempDir(), "wbxml.pcap")
	writePcap(t, pcap, frames)
	out := tsharktest.Run(t, tshark, pcap, "wsp-cl", "-V", "-O", "wbxml")
	var views []wbxmlView
	var cur string // the attribute being read
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "Frame ") {
			views = append(views, wbxmlView{attrs: map[string]string{}})
			continue
		}
		cols := strings.SplitN(strings.TrimRight(line, "\n"), "|", 5)
		if len(views) == 0 || len(cols) < 5 || strings.TrimSpace(cols[0]) == "Level" {
			continue
		}
		v := &views[len(views)-1]
		state, token, rendering := strings.TrimSpace(cols[1]), strings.TrimSpace(cols[3]), strings.TrimSpace(cols[4])
		unquote := func(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'") }
		switch {
		case strings.HasPrefix(token, "Known Tag"):
			v.tags = append(v.tags, strings.Fields(strings.Trim(rendering, "<>/ "))[0])
		case strings.HasPrefix(token, "Known attrStart"):
			name, value, _ := strings.Cut(rendering, "=")
			cur, v.attrs[name] = name, unquote(value)
		case state == "Attr" && strings.HasPrefix(rendering, "%DateTime: "):
			v.attrs[cur] += strings.TrimPrefix(rendering, "%DateTime: ")
		case state == "Attr":
			v.attrs[cur] += unquote(rendering)
		case strings.HasPrefix(token, "STR_I"):
			v.text += unquote(rendering)
		}
	}
	if len(views) != len(frames) {
		t.Fatalf("tshark showed %d frames of %d", len(views), len(frames))
	}
	return views
}

// Our SIs, pushed as application/vnd.wap.sic, decode in tshark's WSP and
// WBXML dissectors to the header and the fields we encoded, with every
// href token and date read back by tshark's own tables.
func TestTsharkDecodesOurSI(t *testing.T) {
	tshark := requireTshark(t)
	sis := []SI{
		exampleSI(),
		{Href: "https://www.example.org/news.net/a?b=c.edu/", Text: "Zoë's news — 😀 \"today\" <b>&amp;</b>", SIID: "x.com/",
			Expires: time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), Action: "signal-high"},
		{Href: "http://www.example.com/"},
		{Href: "https://a.b/", Text: "low", Action: "signal-low", Created: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Href: "ftp://files.example/", Text: "none", Action: "signal-none"},
		{SIID: "abc123", Action: "delete"},
		{Text: "only text"},
	}
	frames := make([][]byte, len(sis))
	for i, si := range sis {
		body, err := EncodeSI(si)
		if err != nil {
			t.Fatal(err)
		}
		if frames[i], err = Push(byte(i+1), MediaSI, "", body); err != nil {
			t.Fatal(err)
		}
	}
	rows := runTshark(t, tshark, "wsp-cl", frames, []string{
		"wsp.TID", "wsp.pdu_type", "wsp.header.content_type", "wsp.header.x_wap_application_id",
		"wbxml.version", "wbxml.public_id.known", "wbxml.charset", "wbxml.string_table_item_string",
	})
	views := tsharkWBXML(t, tshark, frames)
	for i, si := range sis {
		frame := fmt.Sprintf("SI %d", i+1)
		compare(t, frame, rows[i], map[string]string{
			"wsp.TID": fmt.Sprintf("0x%02x", i+1), "wsp.pdu_type": "0x06", "wsp.header.content_type": MediaSI,
			"wsp.header.x_wap_application_id": "", "wbxml.version": "0x03", "wbxml.public_id.known": "0x00000005",
			"wbxml.charset": "106", "wbxml.string_table_item_string": "",
		})
		want := map[string]string{}
		for name, value := range map[string]string{"href": si.Href, "si-id": si.SIID, "action": si.Action} {
			if value != "" {
				want[name] = value
			}
		}
		for name, d := range map[string]time.Time{"created": si.Created, "si-expires": si.Expires} {
			if !d.IsZero() {
				want[name] = d.Format(siDateText)
			}
		}
		v := views[i]
		if strings.Join(v.tags, " ") != "si indication" {
			t.Errorf("%s: tshark shows the elements %v", frame, v.tags)
		}
		if v.text != si.Text {
			t.Errorf("%s: tshark shows the text %q, we encoded %q", frame, v.text, si.Text)
		}
		if fmt.Sprint(v.attrs) != fmt.Sprint(want) {
			t.Errorf("%s: tshark shows the attributes\n%v\nwe encoded\n%v", frame, v.attrs, want)
		}
	}
}
