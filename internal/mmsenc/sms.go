package mmsenc

import (
	"fmt"
	"slices"
)

// WAP Push over SMS (WAP-259-WDP Annex A, 3GPP TS 23.040 §9.2.3.24): 8-bit
// user data behind a user data header that carries the WDP ports and, when
// the push needs several messages, a concatenation element.
const (
	PortWAPPush = 2948 // destination: the WAP Push port handsets listen on
	PortWSP     = 9200 // source: connectionless WSP

	MaxSMSUserData = 140 // octets of TP-UD in one SMS, UDH included

	ieConcat8     = 0x00
	ieConcat16    = 0x08
	iePorts16     = 0x05
	udhSingle     = 7  // UDHL + port element
	udhConcat     = 12 // UDHL + port element + 8-bit concatenation element
	maxSinglePush = MaxSMSUserData - udhSingle
	chunkSize     = MaxSMSUserData - udhConcat

	// MaxSMSPush is the largest push SMSSegments can carry: 255 segments,
	// the most an 8-bit count can number.
	MaxSMSPush = 255 * chunkSize
)

// SMSSegments splits push into the user data of one or more 8-bit SMS. Each
// element is a complete TP-UD (UDHL, UDH, payload) of at most 140 octets; the
// port element is in every one, because Android routes each segment by port
// before reassembly (rule 8). A push of up to 133 octets goes in one SMS
// with no concatenation element; a longer one is cut into 128-octet pieces
// numbered from 1 under reference ref. It returns nil for a push longer
// than MaxSMSPush.
func SMSSegments(push []byte, ref byte) [][]byte {
	if len(push) <= maxSinglePush {
		seg := make([]byte, 0, udhSingle+len(push))
		seg = appendPortsUDH(append(seg, udhSingle-1))
		return [][]byte{append(seg, push...)}
	}
	if len(push) > MaxSMSPush {
		return nil
	}
	chunks := slices.Collect(slices.Chunk(push, chunkSize))
	segs := make([][]byte, len(chunks))
	for i, chunk := range chunks {
		seg := make([]byte, 0, udhConcat+len(chunk))
		seg = appendPortsUDH(append(seg, udhConcat-1))
		seg = append(seg, ieConcat8, 3, ref, byte(len(chunks)), byte(i+1))
		segs[i] = append(seg, chunk...)
	}
	return segs
}

func appendPortsUDH(b []byte) []byte {
	return append(b, iePorts16, 4, PortWAPPush>>8, PortWAPPush&0xFF, PortWSP>>8, PortWSP&0xFF)
}

// segment is what ReassembleSMS needs from one user data header.
type segment struct {
	concat   bool
	ref      uint16
	total    byte
	seq      byte
	payload  []byte
	hasPorts bool
}

// ReassembleSMS is the inverse of SMSSegments, for any order of segments and
// either concatenation element (8- or 16-bit reference). Every segment must
// carry the 16-bit port element with destination 2948 and source 9200, and
// all must agree on reference and count. Errors wrap ErrMalformed; their
// offset is within the segment named.
func ReassembleSMS(segs [][]byte) ([]byte, error) {
	if len(segs) == 0 {
		return nil, &DecodeError{Reason: "no SMS segments"}
	}
	parsed := make([]segment, len(segs))
	for i, ud := range segs {
		s, err := parseUDH(ud)
		if err != nil {
			return nil, within(err, fmt.Sprintf("SMS segment %d", i+1))
		}
		parsed[i] = s
	}
	first := parsed[0]
	if !first.concat {
		if len(segs) > 1 {
			return nil, &DecodeError{Reason: fmt.Sprintf("SMS segment 1 has no concatenation element but %d segments were given", len(segs))}
		}
		return slices.Clone(first.payload), nil
	}
	if int(first.total) != len(segs) {
		return nil, &DecodeError{Reason: fmt.Sprintf("SMS segment 1 announces %d segments, %d were given", first.total, len(segs))}
	}
	ordered := make([][]byte, len(segs))
	n := 0
	for i, s := range parsed {
		what := fmt.Sprintf("SMS segment %d", i+1)
		switch {
		case !s.concat:
			return nil, &DecodeError{Reason: what + ": no concatenation element"}
		case s.ref != first.ref:
			return nil, &DecodeError{Reason: fmt.Sprintf("%s: reference %d, segment 1 has %d", what, s.ref, first.ref)}
		case s.total != first.total:
			return nil, &DecodeError{Reason: fmt.Sprintf("%s: announces %d segments, segment 1 %d", what, s.total, first.total)}
		case ordered[s.seq-1] != nil:
			return nil, &DecodeError{Reason: fmt.Sprintf("%s: sequence number %d given twice", what, s.seq)}
		}
		ordered[s.seq-1] = s.payload
		n += len(s.payload)
	}
	push := make([]byte, 0, n)
	for _, p := range ordered {
		push = append(push, p...)
	}
	return push, nil
}

func parseUDH(ud []byte) (segment, error) {
	r := newReader(ud)
	if len(ud) > MaxSMSUserData {
		return segment{}, r.failAt(MaxSMSUserData, "user data of %d octets exceeds %d", len(ud), MaxSMSUserData)
	}
	s, err := walkUDH(r, func(h *reader, start int, iei, l byte, v []byte, s *segment) error {
		if iei != iePorts16 {
			return nil
		}
		if l != 4 {
			return h.failAt(start, "port element of length %d, not 4", l)
		}
		dst, src := int(v[0])<<8|int(v[1]), int(v[2])<<8|int(v[3])
		if dst != PortWAPPush || src != PortWSP {
			return h.failAt(start, "ports %d/%d, not %d/%d (WAP Push from WSP)", dst, src, PortWAPPush, PortWSP)
		}
		s.hasPorts = true
		return nil
	})
	if err != nil {
		return segment{}, err
	}
	if !s.hasPorts {
		return segment{}, r.failAt(0, "no 16-bit application port element")
	}
	s.payload = ud[r.pos:]
	return s, nil
}

// walkUDH reads the user data header at r (UDHL, then information
// elements), fills in the concatenation element, and hands every element
// to other for what only its caller knows. r is left at the payload.
func walkUDH(r *reader, other func(h *reader, start int, iei, l byte, v []byte, s *segment) error) (segment, error) {
	udhl, err := r.octet()
	if err != nil {
		return segment{}, within(err, "UDHL")
	}
	h, err := r.sub(int(udhl))
	if err != nil {
		return segment{}, within(err, "user data header")
	}
	var s segment
	for h.left() > 0 {
		start := h.pos
		iei, _ := h.octet()
		l, err := h.octet()
		if err != nil {
			return segment{}, within(err, fmt.Sprintf("element 0x%02X", iei))
		}
		v, err := h.octets(int(l))
		if err != nil {
			return segment{}, within(err, fmt.Sprintf("element 0x%02X", iei))
		}
		if iei == ieConcat8 || iei == ieConcat16 {
			if (iei == ieConcat8 && l != 3) || (iei == ieConcat16 && l != 4) {
				return segment{}, h.failAt(start, "concatenation element 0x%02X of length %d", iei, l)
			}
			s.concat = true
			if iei == ieConcat8 {
				s.ref, v = uint16(v[0]), v[1:]
			} else {
				s.ref, v = uint16(v[0])<<8|uint16(v[1]), v[2:]
			}
			s.total, s.seq = v[0], v[1]
			if s.total == 0 || s.seq == 0 || s.seq > s.total {
				return segment{}, h.failAt(start, "segment %d of %d", s.seq, s.total)
			}
			continue
		}
		if err := other(h, start, iei, l, v, &s); err != nil {
			return segment{}, err
		}
	}
	return s, nil
}
