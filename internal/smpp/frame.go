package smpp

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/linxGnu/gosmpp/data"
)

// maxPDU bounds command_length. SMPP v3.4 sets no maximum; 64 KiB is what
// gosmpp's own parser accepts and far above any PDU an SMSC sends.
const maxPDU = 64 << 10

// frame is one whole PDU as read from the wire, with its header decoded.
// Framing is done here rather than by pdu.Parse so that a PDU whose body
// gosmpp cannot decode still has a known command_id and sequence_number:
// it can be answered, and the stream stays in step.
type frame struct {
	id     data.CommandIDType
	status uint32
	seq    int32
	raw    []byte // the complete PDU, header included
}

func readFrame(r io.Reader) (frame, error) {
	var h [16]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(h[0:4])
	if n < 16 || n > maxPDU {
		return frame{}, fmt.Errorf("smpp: command_length %d out of range", n)
	}
	raw := make([]byte, n)
	copy(raw, h[:])
	if _, err := io.ReadFull(r, raw[16:]); err != nil {
		return frame{}, err
	}
	return frame{
		id:     data.CommandIDType(binary.BigEndian.Uint32(h[4:8])),
		status: binary.BigEndian.Uint32(h[8:12]),
		seq:    int32(binary.BigEndian.Uint32(h[12:16])),
		raw:    raw,
	}, nil
}

// isRequest reports whether the command_id is a request (bit 31 clear,
// SMPP v3.4 §5.1.2), which the client must answer.
func (f frame) isRequest() bool { return uint32(f.id)&0x80000000 == 0 }
