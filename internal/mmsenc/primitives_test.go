package mmsenc

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// WAP-230-WSP §8.1.2 and mms-encoding.md §2: 7 bits per octet, most
// significant first, continuation bit on all but the last.
func TestUintvar(t *testing.T) {
	for _, c := range []struct {
		v    uint32
		wire string
	}{
		{0, "00"},
		{127, "7f"},
		{128, "81 00"},
		{300, "82 2c"},
		{16383, "ff 7f"},
		{16384, "81 80 00"},
		{math.MaxUint32, "8f ff ff ff 7f"},
	} {
		wire := mustHex(t, c.wire)
		if got := appendUintvar(nil, c.v); !bytes.Equal(got, wire) {
			t.Errorf("uintvar %d = % x, want % x", c.v, got, wire)
		}
		r := newReader(wire)
		if got, err := r.uintvar(); err != nil || got != c.v || r.left() != 0 {
			t.Errorf("read % x = %d, %v", wire, got, err)
		}
	}
}

// Rule 10: decode what AOSP's composer writes, refuse what no uintvar is.
func TestUintvarDecodeEdges(t *testing.T) {
	for _, c := range []struct {
		wire string
		want uint32
		err  string
	}{
		{wire: "80 7f", want: 127},
		{wire: "80 80 80 80 01", want: 1},
		{wire: "90 80 80 80 00", err: "exceeds 32 bits"},
		{wire: "81 80 80 80 80 00", err: "longer than 5 octets"},
		{wire: "81 80", err: "runs past the end"},
		{wire: "", err: "runs past the end"},
	} {
		got, err := newReader(mustHex(t, c.wire)).uintvar()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: err %v, want %q", c.wire, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s = %d, %v", c.wire, got, err)
		}
	}
}

// Long-integer: Short-length then big-endian octets, minimal. Integer-value
// picks the Short-integer when the value fits.
func TestIntegers(t *testing.T) {
	for _, c := range []struct {
		v             uint64
		long, integer string
	}{
		{0, "01 00", "80"},
		{4, "01 04", "84"},
		{106, "01 6a", "ea"},
		{127, "01 7f", "ff"},
		{128, "01 80", "01 80"},
		{300, "02 01 2c", "02 01 2c"},
		{7000, "02 1b 58", "02 1b 58"},
		{259200, "03 03 f4 80", "03 03 f4 80"},
		{1178615912, "04 46 40 40 68", "04 46 40 40 68"},
		{math.MaxUint64, "08 ff ff ff ff ff ff ff ff", "08 ff ff ff ff ff ff ff ff"},
	} {
		if got := appendLongInt(nil, c.v); !bytes.Equal(got, mustHex(t, c.long)) {
			t.Errorf("Long-integer %d = % x, want %s", c.v, got, c.long)
		}
		if got := appendInteger(nil, c.v); !bytes.Equal(got, mustHex(t, c.integer)) {
			t.Errorf("Integer-value %d = % x, want %s", c.v, got, c.integer)
		}
		for _, wire := range []string{c.long, c.integer} {
			r := newReader(mustHex(t, wire))
			if got, err := r.integer(); err != nil || got != c.v || r.left() != 0 {
				t.Errorf("read %s = %d, %v", wire, got, err)
			}
		}
	}
	for _, c := range []struct{ wire, err string }{
		{"00", "expected an integer"},
		{"1f 01 00", "expected an integer"},
		{"03 01 02", "runs past the end"},
		{"09 01 00 00 00 00 00 00 00 00", "exceeds 64 bits"},
	} {
		if _, err := newReader(mustHex(t, c.wire)).integer(); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.wire, err, c.err)
		}
	}
	// Nine octets with a leading zero still fit.
	if v, err := newReader(mustHex(t, "09 00 01 00 00 00 00 00 00 00")).integer(); err != nil || v != 1<<56 {
		t.Errorf("leading zero octet: %d, %v", v, err)
	}
}

func TestValueLength(t *testing.T) {
	for _, c := range []struct {
		n    int
		wire string
	}{{0, "00"}, {25, "19"}, {30, "1e"}, {31, "1f 1f"}, {66, "1f 42"}, {300, "1f 82 2c"}} {
		if got := appendValueLength(nil, c.n); !bytes.Equal(got, mustHex(t, c.wire)) {
			t.Errorf("Value-length %d = % x, want %s", c.n, got, c.wire)
		}
		wire := append(mustHex(t, c.wire), make([]byte, c.n)...)
		if got, err := newReader(wire).valueLength(); err != nil || got != c.n {
			t.Errorf("read %s = %d, %v", c.wire, got, err)
		}
	}
	if _, err := newReader(mustHex(t, "05 00")).valueLength(); err == nil || !strings.Contains(err.Error(), "value length 5 runs past the end (1 octets left)") {
		t.Errorf("short value: %v", err)
	}
	if _, err := newReader(mustHex(t, "20")).valueLength(); err == nil || !strings.Contains(err.Error(), "expected a value length") {
		t.Errorf("text where a length belongs: %v", err)
	}
}

// Rule 4: a Text-string whose first octet is >= 0x80 gets the 0x7F quote.
func TestTextString(t *testing.T) {
	for _, c := range []struct{ s, wire string }{
		{"T0001", "54 30 30 30 31 00"},
		{"", "00"},
		{"éa", "7f c3 a9 61 00"},
		{"aé", "61 c3 a9 00"},
	} {
		got, err := appendText(nil, c.s)
		if err != nil || !bytes.Equal(got, mustHex(t, c.wire)) {
			t.Errorf("Text-string %q = % x, %v; want %s", c.s, got, err, c.wire)
		}
		r := newReader(mustHex(t, c.wire))
		if s, err := r.text(); err != nil || s != c.s || r.left() != 0 {
			t.Errorf("read %s = %q, %v", c.wire, s, err)
		}
	}
	for _, c := range []struct{ s, err string }{
		{"a\x00b", "NUL octet at 1"},
		{"\x01abc", "control character 0x01"},
		{"\x7fabc", "control character 0x7F"},
	} {
		if _, err := appendText(nil, c.s); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Text-string %q: %v, want %q", c.s, err, c.err)
		}
	}
	if _, err := newReader([]byte("abc")).text(); err == nil || !strings.Contains(err.Error(), "without its NUL") {
		t.Errorf("unterminated: %v", err)
	}
}

// Content-ID is a Quoted-string: 22, the text, 00.
func TestQuotedString(t *testing.T) {
	got, err := appendQuoted(nil, "<smil>")
	if want := mustHex(t, "22 3c 73 6d 69 6c 3e 00"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("Quoted-string = % x, %v", got, err)
	}
	for _, wire := range []string{"22 3c 73 6d 69 6c 3e 00", "3c 73 6d 69 6c 3e 00"} {
		if s, err := newReader(mustHex(t, wire)).textValue(); err != nil || s != "<smil>" {
			t.Errorf("read %s = %q, %v", wire, s, err)
		}
	}
}

// Rule 3: the charset is the one octet EA; the text after it is quoted like
// any Text-string.
func TestEncodedStringValue(t *testing.T) {
	for _, c := range []struct{ s, wire string }{
		{"News for today", "10 ea 4e 65 77 73 20 66 6f 72 20 74 6f 64 61 79 00"},
		{"éa", "06 ea 7f c3 a9 61 00"},
		{"", "02 ea 00"},
		{strings.Repeat("x", 40), "1f 2a ea " + strings.Repeat("78 ", 40) + "00"},
	} {
		got, err := appendEncodedString(nil, c.s)
		if err != nil || !bytes.Equal(got, mustHex(t, c.wire)) {
			t.Errorf("Encoded-string-value %q = % x, %v\nwant %s", c.s, got, err, c.wire)
		}
	}
	if _, err := appendEncodedString(nil, "\xff"); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// What arrives: plain, UTF-8, ASCII, Latin-1, UCS-2, UTF-16 with BOM, a
	// long-integer charset we cannot convert, a missing NUL.
	for _, c := range []struct{ wire, want string }{
		{"48 69 00", "Hi"},
		{"7f c3 a9 00", "é"},
		{"06 ea 7f c3 a9 61 00", "éa"},
		{"04 83 48 69 00", "Hi"},
		{"05 80 48 69 00 00", "Hi"},
		{"04 84 e9 61 00", "éa"},
		{"07 02 03 e8 00 e9 00 61", "éa"},
		{"09 02 03 f7 ff fe e9 00 61 00", "éa"},
		{"06 02 07 ea a4 a4 00", "\xa4\xa4"},
		{"03 ea 48 69", "Hi"},
	} {
		r := newReader(mustHex(t, c.wire))
		if s, err := r.encodedString(); err != nil || s != c.want || r.left() != 0 {
			t.Errorf("read %s = %q, %v (left %d), want %q", c.wire, s, err, r.left(), c.want)
		}
	}
}

// The class of the first octet alone says how far a value reaches.
func TestSkipValue(t *testing.T) {
	for _, wire := range []string{"80", "ff", "00", "03 01 02 03", "1f 20 " + strings.Repeat("00 ", 32), "41 42 00", "7f c3 00"} {
		r := newReader(append(mustHex(t, wire), 0xAA))
		if err := r.skipValue(); err != nil || r.left() != 1 {
			t.Errorf("skip %s: %v, %d left", wire, err, r.left())
		}
	}
}
