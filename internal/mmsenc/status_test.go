package mmsenc

import "testing"

func TestResponseStatusName(t *testing.T) {
	for v, want := range map[byte]string{
		ResponseOk: "Ok", ResponseErrorTransientFailure: "Error-transient-failure",
		ResponseErrorPermanentAddressUnresolved: "Error-permanent-sending-address-unresolved",
		0xE7:                                    "Error-permanent-reply-charging-request-not-accepted", // AOSP's constant says E6
		0xD0:                                    "Error-transient-failure (0xD0)", 0xF3: "Error-permanent-failure (0xF3)", 0x20: "0x20",
	} {
		if got := ResponseStatusName(v); got != want {
			t.Errorf("ResponseStatusName(%#x) = %q, want %q", v, got, want)
		}
	}
}
