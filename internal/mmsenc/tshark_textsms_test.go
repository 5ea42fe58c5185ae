package mmsenc

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// packSeptets is what an SMSC does to EncodeTextSMS's unpacked GSM 7-bit
// segment before the air interface (3GPP TS 23.038 §6.1.2.1.1, 23.040
// §9.2.3.16): the header octets as they are, fill bits up to a septet
// boundary, then the septets, eight in seven octets, least significant
// bit first. It returns TP-UD and TP-UDL, which counts septets, the
// header's and the fill included.
func packSeptets(udhLen int, septets []byte) (ud []byte, udl int) {
	start := (udhLen*8 + 6) / 7 * 7 // the first septet boundary after the header
	bits := start + 7*len(septets)
	ud = make([]byte, (bits+7)/8)
	bit := start
	for _, s := range septets {
		for k := range 7 {
			if s>>k&1 != 0 {
				ud[bit/8] |= 1 << (bit % 8)
			}
			bit++
		}
	}
	return ud, start/7 + len(septets)
}

// smsDeliverHeader is the length of textDeliver's TPDU before TP-UD.
const smsDeliverHeader = 19

// textDeliver wraps a segment in an SMS-DELIVER TPDU (23.040 §9.2.2.1)
// from +447700900123 with TP-DCS coding, packing GSM 7-bit as an SMSC
// would.
func textDeliver(coding byte, udhi bool, seg []byte) []byte {
	first, udhLen := byte(0x04), 0 // SMS-DELIVER, no more messages
	if udhi {
		first, udhLen = first|0x40, int(seg[0])+1
	}
	ud, udl := seg, len(seg)
	if coding == DataCodingGSM7 {
		ud, udl = packSeptets(udhLen, seg[udhLen:])
		copy(ud, seg[:udhLen])
	}
	tpdu := []byte{
		first,
		0x0c, 0x91, 0x44, 0x77, 0x00, 0x09, 0x10, 0x32, // TP-OA
		0x00, coding, // TP-PID, TP-DCS
		0x70, 0x50, 0x80, 0x90, 0x81, 0x23, 0x00, // TP-SCTS
		byte(udl),
	}
	return append(tpdu, ud...)
}

// Our text SMS, delivered as an SMSC would deliver them, decode in tshark's
// GSM SMS dissector to the data coding and concatenation header we wrote,
// each segment to its own part of the text, and the segments together,
// as tshark reassembles them, to the text we encoded.
func TestTsharkDecodesOurTextSMS(t *testing.T) {
	tshark := requireTshark(t)
	texts := []string{
		link + "News for today",
		link + strings.Repeat("Новости науки 😀 ", 5),
		link + strings.Repeat("news €[x] @£ {^~} ", 12), // "|" would be read as tshark's separator
		strings.Repeat(cyrillic, 66) + emoji + strings.Repeat(cyrillic, 5),
		strings.Repeat("a", 152) + "€" + strings.Repeat("b", 170),
		"Новости",
	}
	fields := []string{
		"gsm_sms.tp-dcs", "gsm_sms.tp-udhi", "gsm_sms.udh.mm.msg_id", "gsm_sms.udh.mm.msg_parts",
		"gsm_sms.udh.mm.msg_part", "gsm_sms.sms_text",
	}
	var frames [][]byte
	var wants []map[string]string
	for i, text := range texts {
		ref := byte(0x50 + i)
		sms, err := EncodeTextSMS(text, ref, 5)
		if err != nil {
			t.Fatal(err)
		}
		n := len(sms.Segments)
		var pieces []string // each segment's text
		for j, seg := range sms.Segments {
			frame := textDeliver(sms.DataCoding, sms.UDHI, seg)
			if ud := len(frame) - smsDeliverHeader; ud > MaxSMSUserData {
				// tshark would not say: it does not check lengths (§14.6).
				t.Errorf("text %d, segment %d: TP-UD of %d octets", i+1, j+1, ud)
			}
			frames = append(frames, frame)
			body := seg
			if sms.UDHI {
				body = seg[udhTextConcat:]
			}
			piece, err := DecodeTextSMS(sms.DataCoding, [][]byte{body})
			if err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, piece)
			w := map[string]string{
				"gsm_sms.tp-dcs": strconv.Itoa(int(sms.DataCoding)), "gsm_sms.tp-udhi": "0",
				"gsm_sms.udh.mm.msg_id": "", "gsm_sms.udh.mm.msg_parts": "", "gsm_sms.udh.mm.msg_part": "",
				"gsm_sms.sms_text": piece,
			}
			if n > 1 {
				w["gsm_sms.tp-udhi"] = "1"
				w["gsm_sms.udh.mm.msg_id"], w["gsm_sms.udh.mm.msg_parts"] = strconv.Itoa(int(ref)), strconv.Itoa(n)
				w["gsm_sms.udh.mm.msg_part"] = strconv.Itoa(j + 1)
			}
			if j == n-1 {
				// The frame that completes the message shows every part.
				w["gsm_sms.sms_text"] = strings.Join(pieces, "|")
			}
			wants = append(wants, w)
		}
		if n < 2 && i > 0 && i < len(texts)-1 {
			t.Fatalf("text %d is %d segment; the test wants several", i+1, n)
		}
		if strings.Join(pieces, "") != text {
			t.Fatalf("text %d: segments give %q", i+1, strings.Join(pieces, ""))
		}
	}
	rows := runTshark(t, tshark, "gsm_sms", frames, fields)
	for i := range frames {
		compare(t, fmt.Sprintf("SMS frame %d", i+1), rows[i], wants[i])
	}
}
