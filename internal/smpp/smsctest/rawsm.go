package smsctest

import (
	"bytes"
	"io"
)

// rawShortMessage walks a submit_sm body (SMPP v3.4 §4.4.1) to its
// data_coding and short_message. gosmpp strips the UDH from the message
// it decodes; tests need the octets exactly as sent.
func rawShortMessage(body []byte) (dataCoding byte, sm []byte, err error) {
	b := body
	cstr := func() error {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return io.ErrUnexpectedEOF
		}
		b = b[i+1:]
		return nil
	}
	skip := func(n int) error {
		if len(b) < n {
			return io.ErrUnexpectedEOF
		}
		b = b[n:]
		return nil
	}
	// service_type; source ton, npi, addr; dest ton, npi, addr; esm_class,
	// protocol_id, priority_flag; schedule_delivery_time; validity_period;
	// registered_delivery, replace_if_present_flag.
	steps := []func() error{
		cstr, func() error { return skip(2) }, cstr, func() error { return skip(2) }, cstr,
		func() error { return skip(3) }, cstr, cstr, func() error { return skip(2) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return 0, nil, err
		}
	}
	if len(b) < 3 { // data_coding, sm_default_msg_id, sm_length
		return 0, nil, io.ErrUnexpectedEOF
	}
	dataCoding, n := b[0], int(b[2])
	b = b[3:]
	if len(b) < n {
		return 0, nil, io.ErrUnexpectedEOF
	}
	return dataCoding, bytes.Clone(b[:n]), nil
}
