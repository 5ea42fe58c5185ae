package mmsenc

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// udh is the concatenation header of segment seq of total under ref 0x42.
func udh(total, seq byte) []byte { return []byte{0x05, 0x00, 0x03, 0x42, total, seq} }

// ucs2 is s in UTF-16BE.
func ucs2(s string) []byte {
	var b []byte
	for _, r := range s {
		b = appendUTF16BE(b, r)
	}
	return b
}

var (
	cyrillic = "ж" // U+0436, one UTF-16 code unit, not in the GSM alphabet
	emoji    = "😀" // U+1F600, the surrogate pair D83D DE00
	link     = "http://mmsc.example.com/v/abc123 "
)

// Alphabet, segment boundaries and headers, as 3GPP TS 23.038 and 23.040
// give them: 160 septets or 70 UTF-16 code units alone, 153 or 67 after the
// 6-octet concatenation header; escape pairs and surrogate pairs whole.
func TestEncodeTextSMS(t *testing.T) {
	a, b := strings.Repeat("a", 153), strings.Repeat("b", 8)
	for _, c := range []struct {
		name   string
		text   string
		max    int
		coding byte
		segs   [][]byte
	}{
		{"ASCII, 160 septets: one segment, no header", strings.Repeat("a", 160), 5, DataCodingGSM7,
			[][]byte{[]byte(strings.Repeat("a", 160))}},
		{"ASCII, 161 septets: 153 + 8 after headers", a + b, 5, DataCodingGSM7,
			[][]byte{append(udh(2, 1), a...), append(udh(2, 2), b...)}},
		{"@£$¥ are 00 01 02 03", "@£$¥", 1, DataCodingGSM7, [][]byte{{0x00, 0x01, 0x02, 0x03}}},
		{"the Greek capitals of the GSM table", "ΔΦΓΛΩΠΨΣΘΞ", 1, DataCodingGSM7,
			[][]byte{{0x10, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A}}},
		{"the rest of the default table's non-ASCII", "èéùìòÇØøÅåÆæßÉ¤¡ÄÖÑÜ§¿äöñüà_\n\r", 1, DataCodingGSM7,
			[][]byte{mustHex(t, "04 05 06 07 08 09 0b 0c 0e 0f 1c 1d 1e 1f 24 40 5b 5c 5d 5e 5f 60 7b 7c 7d 7e 7f 11 0a 0d")}},
		{"the extension table: escape and code", "^{}\\[~]|€\f", 1, DataCodingGSM7,
			[][]byte{mustHex(t, "1b 14 1b 28 1b 29 1b 2f 1b 3c 1b 3d 1b 3e 1b 40 1b 65 1b 0a")}},
		{"extension characters count two: 80 fill one segment", strings.Repeat("€", 80), 5, DataCodingGSM7,
			[][]byte{bytes.Repeat([]byte{0x1b, 0x65}, 80)}},
		{"and 159 + one is 161: two segments", strings.Repeat("a", 159) + "€", 5, DataCodingGSM7,
			[][]byte{append(udh(2, 1), a...), append(udh(2, 2), "aaaaaa\x1b\x65"...)}},
		{"an escape pair is not split: 152 septets in the first", strings.Repeat("a", 152) + "{" + b, 5, DataCodingGSM7,
			[][]byte{append(udh(2, 1), a[:152]...), append(udh(2, 2), "\x1b\x28bbbbbbbb"...)}},
		{"Greek Α (U+0391) is not the GSM A: UCS-2", "ΑΒΓ", 1, DataCodingUCS2, [][]byte{{0x03, 0x91, 0x03, 0x92, 0x03, 0x93}}},
		{"Cyrillic, 70 code units: one segment", strings.Repeat(cyrillic, 70), 5, DataCodingUCS2,
			[][]byte{ucs2(strings.Repeat(cyrillic, 70))}},
		{"Cyrillic, 71: 67 + 4", strings.Repeat(cyrillic, 71), 5, DataCodingUCS2,
			[][]byte{append(udh(2, 1), ucs2(strings.Repeat(cyrillic, 67))...), append(udh(2, 2), ucs2(strings.Repeat(cyrillic, 4))...)}},
		{"one character outside the GSM table makes it all UCS-2", "a" + cyrillic, 1, DataCodingUCS2, [][]byte{{0x00, 0x61, 0x04, 0x36}}},
		{"an emoji is a surrogate pair", emoji, 1, DataCodingUCS2, [][]byte{{0xd8, 0x3d, 0xde, 0x00}}},
		{"a surrogate pair is not split: 66 units in the first", strings.Repeat(cyrillic, 66) + emoji + strings.Repeat(cyrillic, 5), 5, DataCodingUCS2,
			[][]byte{append(udh(2, 1), ucs2(strings.Repeat(cyrillic, 66))...), append(udh(2, 2), ucs2(emoji+strings.Repeat(cyrillic, 5))...)}},
		{"35 emoji are 70 units: one segment", strings.Repeat(emoji, 35), 1, DataCodingUCS2, [][]byte{ucs2(strings.Repeat(emoji, 35))}},
	} {
		sms, err := EncodeTextSMS(c.text, 0x42, c.max)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if sms.DataCoding != c.coding || sms.UDHI != (len(c.segs) > 1) || len(sms.Segments) != len(c.segs) {
			t.Errorf("%s: coding 0x%02X, UDHI %v, %d segments; want 0x%02X, %d", c.name, sms.DataCoding, sms.UDHI, len(sms.Segments), c.coding, len(c.segs))
			continue
		}
		for i, seg := range sms.Segments {
			if !bytes.Equal(seg, c.segs[i]) {
				t.Errorf("%s: segment %d\n got % x\nwant % x", c.name, i+1, seg, c.segs[i])
			}
		}
	}
}

// A text that needs more than maxSegments loses its tail, not its head,
// and says so with an ellipsis the alphabet has.
func TestEncodeTextSMSTrims(t *testing.T) {
	subject := "Science news, new Saturn pictures and a great deal more to read about them"
	cyrSubject := "Новости науки: новые снимки Сатурна и многое другое"
	for _, c := range []struct {
		name string
		text string
		max  int
		want string
	}{
		{"GSM, one segment: 157 septets and ...", link + subject + " " + subject, 1,
			strings.TrimRight((link + subject + " " + subject)[:157], " ") + "..."},
		{"trailing spaces go before the ellipsis", link + strings.Repeat("abc ", 60), 1,
			link + strings.Repeat("abc ", 30) + "abc..."},
		{"GSM, two segments: 303 septets and ...", strings.Repeat("a", 400), 2, strings.Repeat("a", 303) + "..."},
		{"an escape pair takes two of the 157", strings.Repeat("€", 100), 1, strings.Repeat("€", 78) + "..."},
		{"UCS-2, one segment: 69 units and …", link + cyrSubject + " " + cyrSubject, 1,
			link + "Новости науки: новые снимки Сатурна…"},
		{"UCS-2, three segments: 200 units and …", strings.Repeat(cyrillic, 300), 3, strings.Repeat(cyrillic, 200) + "…"},
		{"a surrogate pair is kept whole or dropped whole", strings.Repeat(emoji, 40), 1, strings.Repeat(emoji, 34) + "…"},
		{"the alphabet is the whole text's", link + strings.Repeat("a", 200) + cyrillic, 1, link + strings.Repeat("a", 69-len(link)) + "…"},
		{"a text that fits is not touched", link + subject, 1, link + subject},
	} {
		sms, err := EncodeTextSMS(c.text, 0x42, c.max)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, err := DecodeTextSMS(sms.DataCoding, sms.Segments)
		if err != nil || got != c.want || len(sms.Segments) > c.max {
			t.Errorf("%s: %d segments, %v\n got %q\nwant %q", c.name, len(sms.Segments), err, got, c.want)
		}
	}
}

func TestEncodeTextSMSRefuses(t *testing.T) {
	for _, c := range []struct {
		text   string
		max    int
		reason string
	}{
		{"hi", 0, "text SMS: 0 segments allowed, not between 1 and 255"},
		{"hi", 256, "text SMS: 256 segments allowed, not between 1 and 255"},
		{"", 1, "text SMS: empty text"},
		{"a\xffb", 1, `text SMS: "a\xffb" is not valid UTF-8`},
	} {
		_, err := EncodeTextSMS(c.text, 0, c.max)
		if err == nil || !errors.Is(err, ErrInvalid) || err.Error() != "mmsenc: "+c.reason {
			t.Errorf("EncodeTextSMS(%q, %d): %v\nwant mmsenc: %s", c.text, c.max, err, c.reason)
		}
	}
}

// What other senders write and EncodeTextSMS does not.
func TestDecodeTextSMSLenient(t *testing.T) {
	for _, c := range []struct {
		name   string
		coding byte
		segs   []string
		want   string
	}{
		{"segments out of order", DataCodingGSM7, []string{"05 00 03 07 02 02 62", "05 00 03 07 02 01 61"}, "ab"},
		{"16-bit reference", DataCodingUCS2, []string{"06 08 04 12 34 02 01 00 61", "06 08 04 12 34 02 02 00 62"}, "ab"},
		{"other elements stepped over", DataCodingGSM7, []string{"08 0a 01 00 00 03 07 02 01 61", "05 00 03 07 02 02 62"}, "ab"},
		{"an escape to a code the extension table lacks: the default character", DataCodingGSM7, []string{"1b 41"}, "A"},
		{"escape escape, reserved: a space", DataCodingGSM7, []string{"61 1b 1b 62"}, "a b"},
		{"UCS-2 is read as UTF-16", DataCodingUCS2, []string{"d8 3d de 00"}, emoji},
		{"an empty segment", DataCodingUCS2, []string{""}, ""},
	} {
		segs := make([][]byte, len(c.segs))
		for i, s := range c.segs {
			segs[i] = mustHex(t, s)
		}
		if got, err := DecodeTextSMS(c.coding, segs); err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestDecodeTextSMSErrors(t *testing.T) {
	for _, c := range []struct {
		coding byte
		segs   []string
		offset int
		reason string
	}{
		{0x04, []string{"61"}, 0, "data coding 0x04 is neither GSM 7-bit (0x00) nor UCS-2 (0x08)"},
		{DataCodingGSM7, nil, 0, "no SMS segments"},
		{DataCodingGSM7, []string{"61 80"}, 1, "SMS segment 1: octet 0x80 is not a septet"},
		{DataCodingGSM7, []string{"61 1b"}, 1, "SMS segment 1: the text ends in an escape"},
		{DataCodingGSM7, []string{"1b ff"}, 1, "SMS segment 1: octet 0xFF is not a septet"},
		{DataCodingGSM7, []string{"05 00 03 07 02 01 61 1b", "05 00 03 07 02 02 65"}, 7, "SMS segment 1: the text ends in an escape"},
		{DataCodingGSM7, []string{"05 00 03 07 02 02 62", "05 00 03 07 02 01 80"}, 6, "SMS segment 2: octet 0x80 is not a septet"},
		{DataCodingUCS2, []string{"00 61 00"}, 2, "SMS segment 1: UCS-2 text of 3 octets, an odd number"},
		{DataCodingUCS2, []string{"00 61 dc 00"}, 2, "SMS segment 1: unpaired surrogate 0xDC00"},
		{DataCodingUCS2, []string{"d8 3d 00 61"}, 0, "SMS segment 1: unpaired surrogate 0xD83D"},
		{DataCodingUCS2, []string{"05 00 03 07 02 01 d8 3d", "05 00 03 07 02 02 de 00"}, 6, "SMS segment 1: unpaired surrogate 0xD83D"},
		{DataCodingGSM7, []string{"", "61"}, 0, "SMS segment 1: UDHL: unexpected end of data"},
		{DataCodingGSM7, []string{"05 00 03 07", "61"}, 1, "SMS segment 1: user data header: length 5 runs past the end (3 octets left)"},
		{DataCodingGSM7, []string{"04 00 02 07 02 61", "61"}, 1, "SMS segment 1: concatenation element 0x00 of length 2"},
		{DataCodingGSM7, []string{"05 00 03 07 02 03 61", "61"}, 1, "SMS segment 1: segment 3 of 2"},
		{DataCodingGSM7, []string{"02 70 05 61", "61"}, 3, "SMS segment 1: element 0x70: 5 octets needed, 0 left"},
		{DataCodingGSM7, []string{"03 24 01 01 61", "61"}, 1, "SMS segment 1: national language shift tables are not supported"},
		{DataCodingGSM7, []string{"04 70 02 01 01 61", "61"}, 0, "SMS segment 1: no concatenation element"},
		{DataCodingGSM7, []string{"05 00 03 07 03 01 61", "05 00 03 07 03 02 61"}, 0, "SMS segment 1 announces 3 segments, 2 were given"},
		{DataCodingGSM7, []string{"05 00 03 07 02 01 61", "05 00 03 08 02 02 61"}, 0, "SMS segment 2: reference 8, segment 1 has 7"},
		{DataCodingGSM7, []string{"05 00 03 07 02 01 61", "05 00 03 07 02 01 61"}, 0, "SMS segment 2: sequence number 1 given twice"},
	} {
		var segs [][]byte
		for _, s := range c.segs {
			segs = append(segs, mustHex(t, s))
		}
		_, err := DecodeTextSMS(c.coding, segs)
		want := fmt.Sprintf("mmsenc: offset %d: %s", c.offset, c.reason)
		if err == nil || err.Error() != want || !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeTextSMS(0x%02X, %v): %v\nwant %s", c.coding, c.segs, err, want)
		}
	}
}

// randomSMSText draws from the alphabets' corners: ASCII, the rest of the
// GSM table, the extension table, Cyrillic, surrogate pairs, spaces.
func randomSMSText(rng *rand.Rand, n int) string {
	pools := []string{"abc xyz 012", "@£$¥èΔΦΞßÉ¤¡§¿à\n\r", "^{}\\[~]|€\f", "жзийкл", "😀🎉𝄞", "  "}
	gsmOnly := rng.IntN(2) == 0
	var b strings.Builder
	for range n {
		pool := []rune(pools[rng.IntN(len(pools))])
		if gsmOnly {
			pool = []rune(pools[rng.IntN(3)])
		}
		b.WriteRune(pool[rng.IntN(len(pool))])
	}
	return b.String()
}

// Any text, cut into as many segments as it needs and given back in any
// order, decodes to itself.
func TestTextSMSRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23038, 23040))
	for range 1000 {
		text := randomSMSText(rng, 1+rng.IntN(700))
		sms, err := EncodeTextSMS(text, byte(rng.Uint32()), 255)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		checkTextSMS(t, text, sms, 255)
		rng.Shuffle(len(sms.Segments), func(i, j int) { sms.Segments[i], sms.Segments[j] = sms.Segments[j], sms.Segments[i] })
		if got, err := DecodeTextSMS(sms.DataCoding, sms.Segments); err != nil || got != text {
			t.Fatalf("round trip of %q: %q, %v", text, got, err)
		}
	}
}

// checkTextSMS checks what EncodeTextSMS(text, _, limit) gave against the
// rules, without decoding: the alphabet the text needs, headers, sizes,
// no pair split at a segment's end.
func checkTextSMS(t *testing.T, text string, sms TextSMS, limit int) {
	t.Helper()
	gsm := true
	for _, r := range text {
		if _, ok := gsm7Septets[r]; !ok {
			gsm = false
		}
	}
	single, multi := 140, 134
	if gsm {
		single, multi = 160, 153
	}
	n := len(sms.Segments)
	switch {
	case gsm != (sms.DataCoding == DataCodingGSM7) || (!gsm && sms.DataCoding != DataCodingUCS2):
		t.Fatalf("%q: data coding 0x%02X", text, sms.DataCoding)
	case n < 1 || n > limit || sms.UDHI != (n > 1):
		t.Fatalf("%q: %d segments (at most %d), UDHI %v", text, n, limit, sms.UDHI)
	case n == 1 && len(sms.Segments[0]) > single:
		t.Fatalf("%q: one segment of %d octets", text, len(sms.Segments[0]))
	}
	for i, seg := range sms.Segments {
		body := seg
		if n > 1 {
			if len(seg) < udhTextConcat || !bytes.Equal(seg[:3], []byte{5, 0, 3}) || seg[4] != byte(n) || seg[5] != byte(i+1) || seg[3] != sms.Segments[0][3] {
				t.Fatalf("%q: segment %d header % x", text, i+1, seg[:min(len(seg), udhTextConcat)])
			}
			if body = seg[udhTextConcat:]; len(body) > multi {
				t.Fatalf("%q: segment %d of %d octets of text", text, i+1, len(body))
			}
		}
		switch {
		case gsm && bytes.IndexFunc(body, func(r rune) bool { return r >= 0x80 }) >= 0:
			t.Fatalf("%q: segment %d: an octet that is not a septet", text, i+1)
		case !gsm && len(body)%2 != 0:
			t.Fatalf("%q: segment %d: odd UCS-2", text, i+1)
		case !gsm && len(body) >= 2 && body[len(body)-2]&0xFC == 0xD8:
			t.Fatalf("%q: segment %d ends in a high surrogate", text, i+1)
		}
		if gsm {
			// Walking the pairs from the start finds an escape without its
			// code at the end.
			for j := 0; j < len(body); j++ {
				if body[j] == gsm7Escape {
					j++
					if j == len(body) {
						t.Fatalf("%q: segment %d ends in an escape", text, i+1)
					}
				}
			}
		}
	}
}

// FuzzEncodeTextSMS: any text and limit either is refused (invalid UTF-8,
// empty) or gives segments by the rules that decode to the text, or, when
// the text needed more than the limit, to a head of it and an ellipsis.
func FuzzEncodeTextSMS(f *testing.F) {
	f.Add(link+"News for today", byte(0x42), byte(1))
	f.Add(strings.Repeat("€", 81), byte(1), byte(1))
	f.Add(strings.Repeat(cyrillic, 66)+emoji+strings.Repeat(cyrillic, 5), byte(2), byte(2))
	f.Add(strings.Repeat("a", 152)+"{"+strings.Repeat("b", 400), byte(3), byte(2))
	f.Add(strings.Repeat("word ", 100), byte(4), byte(1))
	f.Fuzz(func(t *testing.T, text string, ref, limit byte) {
		max := int(limit)%8 + 1
		if limit >= 0xF0 {
			max = 255
		}
		sms, err := EncodeTextSMS(text, ref, max)
		if text == "" || !utf8.ValidString(text) {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("EncodeTextSMS(%q): %v, want ErrInvalid", text, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkTextSMS(t, text, sms, max)
		got, err := DecodeTextSMS(sms.DataCoding, sms.Segments)
		if err != nil {
			t.Fatalf("DecodeTextSMS(EncodeTextSMS(%q)): %v", text, err)
		}
		if got == text {
			return
		}
		ellipsis := map[byte]string{DataCodingGSM7: "...", DataCodingUCS2: "…"}[sms.DataCoding]
		head, ok := strings.CutSuffix(got, ellipsis)
		if !ok || !strings.HasPrefix(text, head) {
			t.Fatalf("EncodeTextSMS(%q, max %d) gave %q, not a head of it and %q", text, max, got, ellipsis)
		}
		if all, _ := EncodeTextSMS(text, ref, 255); len(all.Segments) <= max {
			t.Fatalf("%q was trimmed to %q but fits %d segments", text, got, len(all.Segments))
		}
	})
}

// FuzzDecodeTextSMS cuts the input into up to three segments. Never a
// panic; a failure is ErrMalformed inside a segment; a text that decodes
// encodes and decodes back to itself.
func FuzzDecodeTextSMS(f *testing.F) {
	for _, text := range []string{link + "News", strings.Repeat("€a", 90), strings.Repeat(cyrillic+emoji, 30)} {
		sms, _ := EncodeTextSMS(text, 0x42, 3)
		segs := append(sms.Segments, nil, nil)
		f.Add(sms.DataCoding, segs[0], segs[1], segs[2])
	}
	f.Add(byte(0), mustHex(f, "08 0a 01 00 00 03 07 02 01 61 1b"), mustHex(f, "05 00 03 07 02 02 1b 1b 1b 41"), []byte(nil))
	f.Fuzz(func(t *testing.T, coding byte, a, b, c []byte) {
		var segs [][]byte
		longest := 0
		for _, s := range [][]byte{a, b, c} {
			if s != nil {
				segs = append(segs, bytes.Clone(s)[:len(s):len(s)])
				longest = max(longest, len(s))
			}
		}
		text, err := DecodeTextSMS(coding, segs)
		if err != nil {
			var de *DecodeError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &de) || de.Offset < 0 || de.Offset > longest {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("decoded %q is not UTF-8", text)
		}
		if text == "" || utf8.RuneCountInString(text) > 255*33 { // 33 characters fit any segment
			return
		}
		sms, err := EncodeTextSMS(text, 7, 255)
		if err != nil {
			t.Fatalf("EncodeTextSMS(%q): %v", text, err)
		}
		if back, err := DecodeTextSMS(sms.DataCoding, sms.Segments); err != nil || back != text {
			t.Fatalf("round trip of %q: %q, %v", text, back, err)
		}
	})
}
