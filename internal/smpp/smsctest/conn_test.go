package smsctest

import (
	"encoding/hex"
	"strings"
	"testing"
)

// The submit_sm of mms-encoding.md §10: the walker must find data_coding
// 0x04 and the 116-octet user data, UDH included.
func TestRawShortMessage(t *testing.T) {
	ref, err := hex.DecodeString("000000ad00000004000000000000000100010134343737303039303031323300010134343737303039303034353600400000000000000400740605040b8423f0010603beaf848c82985430303031008d928919802b3434373730303930303132332f545950453d504c4d4e009610ea4e65777320666f7220746f646179008a808e021b588805810303f48083687474703a2f2f6d6d73632e6578616d706c652e636f6d2f6d2f61626331323300")
	if err != nil {
		t.Fatal(err)
	}
	dc, sm, err := rawShortMessage(ref[16:])
	if err != nil {
		t.Fatal(err)
	}
	if dc != 0x04 || len(sm) != 116 || !strings.HasPrefix(hex.EncodeToString(sm), "0605040b8423f0") {
		t.Errorf("data_coding %#x, short_message %d octets %x", dc, len(sm), sm)
	}
	for n := range len(ref) - 16 { // every truncation fails cleanly
		if _, _, err := rawShortMessage(ref[16 : 16+n]); err == nil {
			t.Fatalf("truncated body of %d octets accepted", n)
		}
	}
}
