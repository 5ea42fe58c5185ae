package mmsenc

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// goldenPDUs gives every MMS PDU in testdata, pushes unwrapped.
func goldenPDUs(f *testing.F) (pdus, pushes [][]byte) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.hex"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		b := readHex(f, filepath.Base(name))
		switch {
		case strings.HasSuffix(name, "-push.hex"):
			pushes = append(pushes, b)
			if _, ct, _, body, err := ParsePush(b); err == nil && ct == MediaMMS {
				pdus = append(pdus, body)
			}
		case len(b) > 0 && b[0] == hMessageType:
			pdus = append(pdus, b)
		}
	}
	return pdus, pushes
}

// checkDecodeError: a failure wraps ErrMalformed and points inside the input.
func checkDecodeError(t *testing.T, err error, n int) {
	t.Helper()
	var de *DecodeError
	if !errors.Is(err, ErrMalformed) || !errors.As(err, &de) {
		t.Fatalf("error %v does not wrap ErrMalformed", err)
	}
	if de.Offset < 0 || de.Offset > n || !strings.HasPrefix(err.Error(), "mmsenc: offset ") {
		t.Fatalf("error %q: offset %d outside the %d input octets", err, de.Offset, n)
	}
}

// FuzzDecode: no input makes Decode panic or read outside its input; a
// failure is ErrMalformed at an offset inside it; and whatever decodes and
// re-encodes decodes again to the same PDU.
func FuzzDecode(f *testing.F) {
	pdus, _ := goldenPDUs(f)
	for _, b := range pdus {
		f.Add(b)
	}
	f.Add(mustHex(f, "8c 84 b4 80 87 06 81 04 00 01 51 80 58 2d 41 00 62 00 84 a3 02 02 00 83 c0 00 03 01 83 7f 02 8e 00"))
	f.Fuzz(func(t *testing.T, input []byte) {
		// A copy with no spare capacity: reading or appending past the end
		// would show.
		b := bytes.Clone(input)[:len(input):len(input)]
		p, err := Decode(b)
		if err != nil {
			checkDecodeError(t, err, len(b))
			return
		}
		if p.Type < 0x80 {
			t.Fatalf("decoded type 0x%02X", byte(p.Type))
		}
		again, err := Encode(p)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Encode error %v does not wrap ErrInvalid", err)
			}
			return
		}
		q, err := Decode(again)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(x))): %v\nx = % x\nre-encoded % x", err, b, again)
		}
		samePDU(t, q, p)
	})
}

// FuzzDecodeHead: no input makes DecodeHead panic; a failure is
// ErrMalformed inside the input; and a PDU that decodes whole has the same
// headers when only its head is read.
func FuzzDecodeHead(f *testing.F) {
	pdus, _ := goldenPDUs(f)
	for _, b := range pdus {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		b := bytes.Clone(input)[:len(input):len(input)]
		head, err := DecodeHead(b)
		if err != nil {
			checkDecodeError(t, err, len(b))
			return
		}
		whole, err := Decode(b)
		if err != nil {
			return // the body is what is broken
		}
		whole.ContentType, whole.Parts = "", nil
		samePDU(t, head, whole)
	})
}

// FuzzParsePush: never a panic; a failure is ErrMalformed; a success
// re-pushes to a PDU that parses to the same values.
func FuzzParsePush(f *testing.F) {
	_, pushes := goldenPDUs(f)
	for _, b := range pushes {
		f.Add(b)
	}
	f.Add(mustHex(f, "07 06 0b be b4 86 af 84 c3 93 af 82 8c"))
	f.Add(mustHex(f, "07 06 06 be 7f 02 af 84 01 8c"))
	f.Fuzz(func(t *testing.T, input []byte) {
		b := bytes.Clone(input)[:len(input):len(input)]
		tid, ct, app, body, err := ParsePush(b)
		if err != nil {
			checkDecodeError(t, err, len(b))
			return
		}
		again, err := Push(tid, ct, app, body)
		if err != nil {
			return // e.g. an application id that is not text we can write back
		}
		tid2, ct2, app2, body2, err := ParsePush(again)
		if err != nil || tid2 != tid || ct2 != ct || app2 != app || !bytes.Equal(body2, body) {
			t.Fatalf("ParsePush(Push(ParsePush(x))) = %#x %q %q % x %v\nwant %#x %q %q % x", tid2, ct2, app2, body2, err, tid, ct, app, body)
		}
	})
}

// FuzzReassembleSMS cuts the input into up to three segments. Never a
// panic; a failure is ErrMalformed; a success is no longer than the
// segments' payloads together, and the push it gives segments and
// reassembles to itself.
func FuzzReassembleSMS(f *testing.F) {
	push := readHex(f, "notification-push.hex")
	segs := SMSSegments(append(bytes.Clone(push), push...), 0x42)
	f.Add(segs[0], segs[1], []byte(nil))
	f.Add(SMSSegments(push, 0)[0], []byte(nil), []byte(nil))
	f.Add(mustHex(f, "0f 08 04 12 34 02 02 05 04 0b 84 23 f0 24 01 00 63 64"), mustHex(f, "0f 24 01 00 05 04 0b 84 23 f0 08 04 12 34 02 01 61 62"), []byte(nil))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		var segs [][]byte
		total := 0
		for _, s := range [][]byte{a, b, c} {
			if s != nil {
				segs = append(segs, bytes.Clone(s)[:len(s):len(s)])
				total += len(s)
			}
		}
		got, err := ReassembleSMS(segs)
		if err != nil {
			var de *DecodeError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &de) || de.Offset < 0 || de.Offset > MaxSMSUserData {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(got) > total {
			t.Fatalf("%d octets out of %d in", len(got), total)
		}
		back, err := ReassembleSMS(SMSSegments(got, 7))
		if err != nil || !bytes.Equal(back, got) {
			t.Fatalf("SMSSegments/ReassembleSMS of %d octets: %v", len(got), err)
		}
	})
}
