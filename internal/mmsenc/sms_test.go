package mmsenc

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParsePushErrors(t *testing.T) {
	for _, c := range []struct {
		wire   string
		offset int
		reason string
	}{
		{"", 0, "push TID: unexpected end of data"},
		{"01", 1, "push PDU type: unexpected end of data"},
		{"01 07 03 be af 84", 1, "PDU type 0x07 is not Push (0x06)"},
		{"01 06", 2, "push headers length: uintvar runs past the end"},
		{"01 06 05 be af 84", 3, "push headers: length 5 runs past the end (3 octets left)"},
		{"01 06 00 8c", 3, "push Content-Type: unexpected end of data"},
		{"01 06 02 be af 8c", 5, "X-Wap-Application-Id: unexpected end of data"},
		{"01 06 03 be af 00 8c", 5, "X-Wap-Application-Id: empty application id"},
		{"01 06 03 be c3 1f", 6, "push header 0xC3: uintvar runs past the end"},
		{"01 06 03 be 41 42", 4, "application header name: text runs past the end without its NUL"},
	} {
		_, _, _, _, err := ParsePush(mustHex(t, c.wire))
		want := fmt.Sprintf("mmsenc: offset %d: %s", c.offset, c.reason)
		if err == nil || err.Error() != want || !errors.Is(err, ErrMalformed) {
			t.Errorf("ParsePush(%s): %v\nwant %s", c.wire, err, want)
		}
	}
}

// Segmenting and reassembling any push, in any segment order, gives the
// push back; every segment fits 140 octets and carries the ports.
func TestSMSRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9200, 2948))
	for _, n := range []int{0, 1, 133, 134, 177, 256, 1000, MaxSMSPush} {
		push := make([]byte, n)
		for i := range push {
			push[i] = byte(rng.Uint32())
		}
		segs := SMSSegments(push, byte(n))
		wantSegs := 1
		if n > 133 {
			wantSegs = (n + 127) / 128
		}
		if len(segs) != wantSegs {
			t.Errorf("%d octets: %d segments, want %d", n, len(segs), wantSegs)
		}
		for i, seg := range segs {
			if len(seg) > MaxSMSUserData || !bytes.Contains(seg[:seg[0]+1], mustHex(t, "05 04 0b 84 23 f0")) {
				t.Errorf("%d octets, segment %d: %d octets, UDH % x", n, i+1, len(seg), seg[:seg[0]+1])
			}
		}
		rng.Shuffle(len(segs), func(i, j int) { segs[i], segs[j] = segs[j], segs[i] })
		back, err := ReassembleSMS(segs)
		if err != nil || !bytes.Equal(back, push) {
			t.Errorf("%d octets: reassembled %d octets, %v", n, len(back), err)
		}
	}
	if segs := SMSSegments(make([]byte, MaxSMSPush+1), 0); segs != nil {
		t.Errorf("a push over %d octets gave %d segments", MaxSMSPush, len(segs))
	}
}

func TestReassembleSMSVariants(t *testing.T) {
	// 16-bit reference, element order reversed, an unrelated element.
	segs := [][]byte{
		mustHex(t, "0f 08 04 12 34 02 02 05 04 0b 84 23 f0 24 01 00 63 64"),
		mustHex(t, "0f 24 01 00 05 04 0b 84 23 f0 08 04 12 34 02 01 61 62"),
	}
	if got, err := ReassembleSMS(segs); err != nil || string(got) != "abcd" {
		t.Errorf("16-bit reference: %q, %v", got, err)
	}
}

func TestReassembleSMSErrors(t *testing.T) {
	single := "06 05 04 0b 84 23 f0 61"
	seg := func(ref, total, seq byte, payload string) string {
		return fmt.Sprintf("0b 05 04 0b 84 23 f0 00 03 %02x %02x %02x %s", ref, total, seq, payload)
	}
	for _, c := range []struct {
		segs []string
		err  string
	}{
		{nil, "offset 0: no SMS segments"},
		{[]string{""}, "SMS segment 1: UDHL: unexpected end of data"},
		{[]string{"07 05 04 0b 84 23 f0"}, "SMS segment 1: user data header: length 7 runs past the end (6 octets left)"},
		{[]string{"00 61"}, "SMS segment 1: no 16-bit application port element"},
		{[]string{"04 04 02 84 f0 61"}, "SMS segment 1: no 16-bit application port element"},
		{[]string{"06 05 04 0b 85 23 f0 61"}, "offset 1: SMS segment 1: ports 2949/9200, not 2948/9200 (WAP Push from WSP)"},
		{[]string{"06 05 04 0b 84 23 f1 61"}, "ports 2948/9201"},
		{[]string{"05 05 03 0b 84 23 61"}, "port element of length 3, not 4"},
		{[]string{"06 05 05 0b 84 23 f0"}, "element 0x05: 5 octets needed, 4 left"},
		{[]string{"01 05"}, "element 0x05: unexpected end of data"},
		{[]string{"0a 05 04 0b 84 23 f0 00 02 01 01"}, "concatenation element 0x00 of length 2"},
		{[]string{seg(1, 2, 3, "61")}, "segment 3 of 2"},
		{[]string{seg(1, 0, 0, "61")}, "segment 0 of 0"},
		{[]string{single, single}, "SMS segment 1 has no concatenation element but 2 segments were given"},
		{[]string{seg(1, 2, 1, "61")}, "SMS segment 1 announces 2 segments, 1 were given"},
		{[]string{seg(1, 2, 1, "61"), single}, "SMS segment 2: no concatenation element"},
		{[]string{seg(1, 2, 1, "61"), seg(2, 2, 2, "62")}, "SMS segment 2: reference 2, segment 1 has 1"},
		{[]string{seg(1, 2, 1, "61"), seg(1, 3, 2, "62")}, "SMS segment 2: announces 3 segments, segment 1 2"},
		{[]string{seg(1, 2, 1, "61"), seg(1, 2, 1, "62")}, "SMS segment 2: sequence number 1 given twice"},
		{[]string{"06 05 04 0b 84 23 f0 " + strings.Repeat("61 ", 134)}, "offset 140: SMS segment 1: user data of 141 octets exceeds 140"},
	} {
		var segs [][]byte
		for _, s := range c.segs {
			segs = append(segs, mustHex(t, s))
		}
		got, err := ReassembleSMS(segs)
		if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v: % x, %v\nwant %q", c.segs, got, err, c.err)
		}
	}
}
