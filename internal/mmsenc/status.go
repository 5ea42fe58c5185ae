package mmsenc

import "fmt"

// responseStatusNames are the X-Mms-Response-Status values of
// OMA-TS-MMS_ENC §7.3.48 (mms-encoding.md §5).
var responseStatusNames = map[byte]string{
	0x80: "Ok", 0x81: "Error-unspecified", 0x82: "Error-service-denied", 0x83: "Error-message-format-corrupt",
	0x84: "Error-sending-address-unresolved", 0x85: "Error-message-not-found", 0x86: "Error-network-problem",
	0x87: "Error-content-not-accepted", 0x88: "Error-unsupported-message",
	0xC0: "Error-transient-failure", 0xC1: "Error-transient-sending-address-unresolved",
	0xC2: "Error-transient-message-not-found", 0xC3: "Error-transient-network-problem",
	0xC4: "Error-transient-partial-success",
	0xE0: "Error-permanent-failure", 0xE1: "Error-permanent-service-denied",
	0xE2: "Error-permanent-message-format-corrupt", 0xE3: "Error-permanent-sending-address-unresolved",
	0xE4: "Error-permanent-message-not-found", 0xE5: "Error-permanent-content-not-accepted",
	0xE6: "Error-permanent-reply-charging-limitations-not-met",
	0xE7: "Error-permanent-reply-charging-request-not-accepted",
	0xE8: "Error-permanent-reply-charging-forwarding-denied", 0xE9: "Error-permanent-reply-charging-not-supported",
	0xEA: "Error-permanent-address-hiding-not-supported", 0xEB: "Error-permanent-lack-of-prepaid",
}

// ResponseStatusName spells an X-Mms-Response-Status for people, with
// unassigned values read as the class they fall in, as receivers must
// (C5–DF transient, EC–FF permanent).
func ResponseStatusName(v byte) string {
	if n, ok := responseStatusNames[v]; ok {
		return n
	}
	switch {
	case v >= 0xC5 && v <= 0xDF:
		return fmt.Sprintf("Error-transient-failure (0x%02X)", v)
	case v >= 0xEC:
		return fmt.Sprintf("Error-permanent-failure (0x%02X)", v)
	}
	return fmt.Sprintf("0x%02X", v)
}
