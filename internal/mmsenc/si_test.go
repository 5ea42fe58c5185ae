package mmsenc

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// exampleSI is the Service Indication of the §13 worked example.
func exampleSI() SI {
	return SI{
		Href:    "http://mmsc.example.com/v/abc123",
		Text:    "News for today",
		SIID:    "abc123",
		Created: exampleDate,
		Expires: time.Date(2007, 5, 11, 0, 0, 0, 0, time.UTC),
		Action:  "signal-medium",
	}
}

func sameSI(t *testing.T, got, want SI) {
	t.Helper()
	if got.Href != want.Href || got.Text != want.Text || got.SIID != want.SIID || got.Action != want.Action ||
		!got.Created.Equal(want.Created) || !got.Expires.Equal(want.Expires) ||
		got.Created.Location() != time.UTC || got.Expires.Location() != time.UTC {
		t.Errorf("SI\n got %+v\nwant %+v", got, want)
	}
}

// §13: the example push is Push around EncodeSI of its fields, byte for
// byte but for the WBXML version, which is 1.2 (02) there and 1.3 (03)
// here; and the example, as it is, decodes to those fields.
func TestGoldenSI(t *testing.T) {
	example := readHex(t, "si-push.hex")
	want := bytes.Clone(example)
	want[4] = wbxmlVersion13

	body, err := EncodeSI(exampleSI())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Push(0x02, MediaSI, "", body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Push(EncodeSI(§13)):\n got % x\nwant % x", got, want)
	}

	_, ct, _, wbxml, err := ParsePush(example)
	if err != nil || ct != MediaSI {
		t.Fatalf("ParsePush: %q %v", ct, err)
	}
	si, err := DecodeSI(wbxml)
	if err != nil {
		t.Fatal(err)
	}
	sameSI(t, si, exampleSI())
}

// The document around the attributes, as §11 lays it out: header, <si>,
// <indication> with the attribute and content flags it needs, ENDs.
func TestEncodeSI(t *testing.T) {
	const head = "03 05 6a 00 45" // WBXML 1.3, SI 1.0, UTF-8, no string table, <si>
	for _, c := range []struct {
		name string
		si   SI
		wire string // after head
	}{
		{"href only: no content flag, no content END", SI{Href: "http://a"}, "86 0c 03 61 00 01 01"},
		{"text only: no attribute flag", SI{Text: "hi"}, "46 03 68 69 00 01 01"},
		{"neither", SI{}, "06 01"},
		{"http://www. and .org/", SI{Href: "http://www.example.org/x"}, "86 0d 03 65 78 61 6d 70 6c 65 00 88 03 78 00 01 01"},
		{"https:// and .net/ at the end", SI{Href: "https://a.net/"}, "86 0e 03 61 00 87 01 01"},
		{"https://www. and two value tokens", SI{Href: "https://www.b.edu/c.com/"}, "86 0f 03 62 00 86 03 63 00 85 01 01"},
		{"nothing but a value token after the start", SI{Href: "http://.com/"}, "86 0c 85 01 01"},
		{"other schemes: href= and one string", SI{Href: "ftp://x"}, "86 0b 03 66 74 70 3a 2f 2f 78 00 01 01"},
		{"tokens are case-sensitive", SI{Href: "HTTP://X.COM/"}, "86 0b 03 48 54 54 50 3a 2f 2f 58 2e 43 4f 4d 2f 00 01 01"},
		{"delete by si-id", SI{SIID: "m1", Action: "delete"}, "86 11 03 6d 31 00 09 01 01"},
		{"signal-none", SI{Href: "http://a", Action: "signal-none"}, "86 0c 03 61 00 05 01 01"},
		{"signal-low", SI{Href: "http://a", Action: "signal-low"}, "86 0c 03 61 00 06 01 01"},
		{"signal-high", SI{Href: "http://a", Action: "signal-high"}, "86 0c 03 61 00 08 01 01"},
		{"no action: the default, signal-medium, unwritten", SI{Href: "http://a", Action: ""}, "86 0c 03 61 00 01 01"},
		{"dates in UTC, whole seconds", SI{
			Created: time.Date(2007, 5, 8, 11, 18, 32, 999e6, time.FixedZone("CEST", 2*3600)),
			Expires: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		}, "86 0a c3 07 20 07 05 08 09 18 32 10 c3 04 20 00 01 01 01 01"},
		{"UTF-8 text as it is", SI{Text: "Zoë 😀"}, "46 03 5a 6f c3 ab 20 f0 9f 98 80 00 01 01"},
	} {
		got, err := EncodeSI(c.si)
		if want := mustHex(t, head+c.wire); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: EncodeSI = % x, %v\nwant % x", c.name, got, err, want)
		}
	}
}

func TestEncodeSIRefuses(t *testing.T) {
	for _, c := range []struct {
		si     SI
		reason string
	}{
		{SI{Href: "http://a\x00b"}, `SI href: "http://a\x00b" contains a NUL octet at 8, which would end the inline string`},
		{SI{Text: "a\x00"}, `SI text: "a\x00" contains a NUL octet at 1, which would end the inline string`},
		{SI{SIID: "\x00"}, `SI si-id: "\x00" contains a NUL octet at 0, which would end the inline string`},
		{SI{Text: "\xff"}, `SI text: "\xff" is not valid UTF-8`},
		{SI{Action: "execute-high"}, `SI action "execute-high" is not one of signal-none, signal-low, signal-medium, signal-high, delete`},
		{SI{Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "SI created: 10000-01-01 00:00:00 +0000 UTC: the year does not fit four digits"},
		{SI{Expires: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}, "SI si-expires: 0000-12-31 00:00:00 +0000 UTC: the year does not fit four digits"},
	} {
		_, err := EncodeSI(c.si)
		if err == nil || !errors.Is(err, ErrInvalid) || err.Error() != "mmsenc: "+c.reason {
			t.Errorf("EncodeSI(%+v): %v\nwant mmsenc: %s", c.si, err, c.reason)
		}
	}
}

// §11: the OPAQUE date examples, and the dates that are not.
func TestSIDate(t *testing.T) {
	for _, c := range []struct {
		opaque string
		date   time.Time
	}{
		{"20 07 05 08 09 18 32", exampleDate},
		{"20 07 05 11", time.Date(2007, 5, 11, 0, 0, 0, 0, time.UTC)},
		{"20 07 05 11 00 01", time.Date(2007, 5, 11, 0, 1, 0, 0, time.UTC)},
		{"19 99 12 31 23 59 59", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"20 24 02 29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
	} {
		op := mustHex(t, c.opaque)
		got, err := appendSIDate(nil, c.date)
		if want := append([]byte{wbxOpaque, byte(len(op))}, op...); err != nil || !bytes.Equal(got, want) {
			t.Errorf("appendSIDate(%v) = % x, %v; want % x", c.date, got, err, want)
		}
		if d, err := parseSIDate(op); err != nil || !d.Equal(c.date) {
			t.Errorf("parseSIDate(%s) = %v, %v", c.opaque, d, err)
		}
	}
	// Trailing zeros kept by the sender are read all the same.
	if d, err := parseSIDate(mustHex(t, "20 07 05 11 00 00 00")); err != nil || !d.Equal(time.Date(2007, 5, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("with trailing zeros: %v, %v", d, err)
	}
	for _, bad := range []string{"", "20", "20 07", "20 07 00 01", "20 07 13 01", "20 23 02 29", "20 07 05 00", "20 07 05 11 24",
		"20 07 05 11 00 60", "20 07 05 11 00 00 60", "2a 07 05 11", "00 00 01 01", "00 01 01 01", "20 07 05 11 00 00 00 00"} {
		if d, err := parseSIDate(mustHex(t, bad)); err == nil {
			t.Errorf("parseSIDate(%s) = %v, want an error", bad, d)
		}
	}
}

// What other encoders write, and EncodeSI does not, decodes as well.
func TestDecodeSILenient(t *testing.T) {
	for _, c := range []struct {
		name string
		wire string
		want SI
	}{
		{"WBXML 1.1", "01 05 6a 00 45 46 03 68 69 00 01 01", SI{Text: "hi"}},
		{"public id as a string",
			"03 00 00 6a 1c 2d 2f 2f 57 41 50 46 4f 52 55 4d 2f 2f 44 54 44 20 53 49 20 31 2e 30 2f 2f 45 4e 00 45 46 03 68 69 00 01 01",
			SI{Text: "hi"}},
		{"string table and STR_T", "03 05 6a 05 61 62 00 63 00 45 c6 11 83 00 83 03 01 83 00 01 01", SI{SIID: "abc", Text: "ab"}},
		{"ENTITY and split strings", "03 05 6a 00 45 c6 0b 03 68 00 02 81 69 03 69 00 01 02 81 69 01 01", SI{Href: "h\u00e9i", Text: "\u00e9"}},
		{"ISO-8859-1", "03 05 04 00 45 46 03 5a 6f eb 00 01 01", SI{Text: "Zoë"}},
		{"US-ASCII", "03 05 03 00 45 46 03 68 69 00 01 01", SI{Text: "hi"}},
		{"date with its trailing zeros", "03 05 6a 00 45 86 0a c3 07 20 07 05 11 00 00 00 01 01", SI{Created: time.Date(2007, 5, 11, 0, 0, 0, 0, time.UTC)}},
		{"date as text", "03 05 6a 00 45 86 10 03 32 30 30 37 2d 30 35 2d 30 38 54 30 39 3a 31 38 3a 33 32 5a 00 01 01", SI{Expires: exampleDate}},
		{"SWITCH_PAGE to page 0", "03 05 6a 00 00 00 45 86 00 00 0c 03 61 00 01 01", SI{Href: "http://a"}},
		{"info items are dropped", "03 05 6a 00 45 46 03 68 69 00 01 47 c8 12 03 63 00 01 03 78 00 01 01 01", SI{Text: "hi"}},
		{"empty inline strings", "03 05 6a 00 45 c6 0c 03 00 01 03 00 01 01", SI{Href: "http://"}},
		{"whitespace around indication", "03 05 6a 00 45 03 0a 20 00 06 03 0a 00 01", SI{}},
	} {
		got, err := DecodeSI(mustHex(t, c.wire))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		sameSI(t, got, c.want)
	}
}

func TestDecodeSIErrors(t *testing.T) {
	const head = "03 05 6a 00 "
	for _, c := range []struct {
		wire   string
		offset int
		reason string
	}{
		{"", 0, "WBXML version: unexpected end of data"},
		{"00 05 6a 00 45 06 01", 0, "WBXML version 1.0, not 1.1 to 1.3"},
		{"03 06 6a 00 45 06 01", 1, "public id 6 is not SI 1.0 (5)"},
		{"03 00 00 6a 02 78 00 45 06 01", 1, `public id "x" is not SI 1.0`},
		{"03 00 05 6a 00 45 06 01", 5, "WBXML public id: string table offset 5 outside its 0 octets"},
		{"03 05 87 68 00", 2, "charset 1000 (iso-10646-ucs-2): only UTF-8, US-ASCII and ISO-8859-1 are read"},
		{"03 05 6a 05 61", 4, "WBXML string table: 5 octets needed, 1 left"},
		{head, 4, "tag: unexpected end of data"},
		{head + "46 01", 4, "the root is tag 0x06, not si"},
		{head + "09", 4, "tag 0x09 is not on the SI code page"},
		{head + "44", 4, "token 0x44 where a tag was expected"},
		{head + "45 45", 5, "tag 0x05 inside tag 0x05"},
		{head + "45 48", 5, "tag 0x08 inside tag 0x05"},
		{head + "45 46 45", 6, "tag 0x05 inside tag 0x06"},
		{head + "45 06", 6, "element content: unexpected end of data"},
		{head + "45 06 01 00", 7, "1 octets after </si>"},
		{head + "45 00 01 06 01", 5, "element content: code page 1: SI has only page 0"},
		{head + "45 06 c3 00 01", 6, "token 0xC3 in element content is not used by SI"},
		{head + "45 06 04 00 01", 6, "token 0x04 in element content is not used by SI"},
		{head + "45 03 61 62 01", 6, "STR_I: text runs past the end without its NUL"},
		{head + "45 03 ff 00 06 01", 6, `string "\xff" is not valid UTF-8`},
		{head + "45 02 00 06 01", 6, "ENTITY 0 is not a character"},
		{head + "45 02 c4 80 00 06 01", 6, "ENTITY 1114112 is not a character"},
		{head + "45 02 83 b0 00 06 01", 6, "ENTITY 55296 is not a character"},
		{head + "45 83 00 06 01", 6, "string table offset 0 outside its 0 octets"},
		{head + "45 03 78 00 06 01", 4, "text directly inside si"},
		{head + "c5 0b 01 06 01", 5, "si has no attributes"},
		{head + "85 0b 01", 5, "si has no attributes"},
		{head + "05", 4, "si does not start with an indication"},
		{head + "45 47 01 06 01", 4, "si does not start with an indication"},
		{head + "45 06 06 01", 6, "a second indication"},
		{head + "45 06 07 07 01", 7, "a second info"},
		{head + "45 86 85 01 01", 6, "attribute value token 0x85 before any attribute"},
		{head + "45 86 13 01 01", 6, "attribute start 0x13 is not on the SI code page"},
		{head + "45 86 0b 89 01 01", 7, "attribute value token 0x89 is not on the SI code page"},
		{head + "45 86 0b 0c 01 01", 7, "attribute href given twice"},
		{head + "45 86 04 00 01 01", 6, "token 0x04 in an attribute list is not used by SI"},
		{head + "45 86 0b c3 05 01", 9, "OPAQUE: 5 octets needed, 1 left"},
		{head + "45 86 0b c3 01 00 01 01", 6, "href with OPAQUE data"},
		{head + "45 86 12 03 78 00 01 01", 6, "class is not an attribute of indication"},
		{head + "45 86 05 03 78 00 01 01", 6, `action "signal-nonex"`},
		{head + "45 86 0a 01 01", 6, "created is not one OPAQUE date"},
		{head + "45 86 0a c3 01 20 c3 01 20 01 01", 6, "created is not one OPAQUE date"},
		{head + "45 86 0a c3 02 20 07 01 01", 6, "created: 20 07 is not a date"},
		{head + "45 86 10 03 32 30 30 37 00 01 01", 6, `si-expires "2007" is not a date`},
		{head + "45 86 0b", 7, "attribute list: unexpected end of data"},
	} {
		_, err := DecodeSI(mustHex(t, c.wire))
		want := fmt.Sprintf("mmsenc: offset %d: %s", c.offset, c.reason)
		if err == nil || err.Error() != want || !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeSI(%s): %v\nwant %s", c.wire, err, want)
		}
	}
}

// randomSI draws an SI from pieces that exercise every token: href
// prefixes and value tokens at any place, text in any script.
func randomSI(rng *rand.Rand) SI {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	str := func(pieces ...string) string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pick(pieces...))
		}
		return b.String()
	}
	date := func() time.Time {
		if rng.IntN(3) == 0 {
			return time.Time{}
		}
		return time.Unix(rng.Int64N(1<<35), 0).UTC() // to the year 3058
	}
	return SI{
		Href:    pick("", "http://", "https://", "http://www.", "https://www.", "ftp://", "HTTP://") + str("a", ".com/", ".edu/", ".net/", ".org/", ".com", "/", "é", "?q=1"),
		Text:    str("News", " ", "für", "новости", "😀", "\t", "<&>", "'\""),
		SIID:    str("id", "1", ".org/", "@"),
		Created: date(),
		Expires: date(),
		Action:  pick("", "signal-none", "signal-low", "signal-medium", "signal-high", "delete"),
	}
}

func TestSIRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(167, 192))
	for range 2000 {
		si := randomSI(rng)
		b, err := EncodeSI(si)
		if err != nil {
			t.Fatalf("EncodeSI(%+v): %v", si, err)
		}
		got, err := DecodeSI(b)
		if err != nil {
			t.Fatalf("DecodeSI(EncodeSI(%+v)): %v\n% x", si, err, b)
		}
		sameSI(t, got, si)
	}
}

// FuzzDecodeSI: never a panic; a failure is ErrMalformed at an offset
// inside the input; whatever decodes encodes, and decodes again the same.
func FuzzDecodeSI(f *testing.F) {
	_, _, _, example, _ := ParsePush(readHex(f, "si-push.hex"))
	f.Add(example)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		b, _ := EncodeSI(randomSI(rng))
		f.Add(b)
	}
	f.Add(mustHex(f, "03 05 6a 05 61 62 00 63 00 45 c6 11 83 00 83 03 02 81 69 01 83 00 01 47 c8 12 03 63 00 01 03 78 00 01 01 01"))
	f.Add(mustHex(f, "03 00 00 6a 1c 2d 2f 2f 57 41 50 46 4f 52 55 4d 2f 2f 44 54 44 20 53 49 20 31 2e 30 2f 2f 45 4e 00 45 06 01"))
	f.Fuzz(func(t *testing.T, input []byte) {
		b := bytes.Clone(input)[:len(input):len(input)]
		si, err := DecodeSI(b)
		if err != nil {
			checkDecodeError(t, err, len(b))
			return
		}
		again, err := EncodeSI(si)
		if err != nil {
			t.Fatalf("EncodeSI(DecodeSI(x)): %v\nx = % x", err, b)
		}
		back, err := DecodeSI(again)
		if err != nil {
			t.Fatalf("DecodeSI(EncodeSI(DecodeSI(x))): %v", err)
		}
		sameSI(t, back, si)
	})
}
