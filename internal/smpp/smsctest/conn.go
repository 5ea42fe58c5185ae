package smsctest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/data"
	smpperrors "github.com/linxGnu/gosmpp/errors"
	"github.com/linxGnu/gosmpp/pdu"
)

// conn is one client connection.
type conn struct {
	s     *Server
	nc    net.Conn
	bound bool // under s.mu

	wmu sync.Mutex
	seq int32 // for server-initiated requests; under wmu
}

func (c *conn) serve() {
	defer c.nc.Close()
	r := bufio.NewReader(c.nc)
	for {
		raw, err := readPDU(r)
		if err != nil {
			return
		}
		if !c.handle(raw) {
			return
		}
	}
}

// readPDU reads one whole PDU, header included.
func readPDU(r io.Reader) ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n < 16 || n > 64<<10 {
		return nil, fmt.Errorf("smsctest: command_length %d", n)
	}
	raw := make([]byte, n)
	copy(raw, h[:])
	_, err := io.ReadFull(r, raw[4:])
	return raw, err
}

// handle answers one PDU and reports whether to keep the connection.
func (c *conn) handle(raw []byte) bool {
	p, err := pdu.Parse(bytes.NewReader(raw))
	if err != nil {
		nack := pdu.NewGenericNack()
		nack.SetSequenceNumber(int32(binary.BigEndian.Uint32(raw[12:16])))
		nack.(*pdu.GenericNack).CommandStatus = data.ESME_RUNKNOWNERR
		if errors.Is(err, smpperrors.ErrUnknownCommandID) {
			nack.(*pdu.GenericNack).CommandStatus = data.ESME_RINVCMDID
		}
		return c.write(nack) == nil
	}
	switch req := p.(type) {
	case *pdu.BindRequest:
		return c.bind(req)
	case *pdu.SubmitSM:
		return c.submit(req, raw)
	case *pdu.EnquireLink:
		c.s.event(&c.s.enquireLinks)
		return c.write(req.GetResponse()) == nil
	case *pdu.Unbind:
		c.s.event(&c.s.unbinds)
		_ = c.write(req.GetResponse())
		return false
	case *pdu.DeliverSMResp:
		c.s.mu.Lock()
		c.s.deliverResps = append(c.s.deliverResps, DeliverResp{Seq: req.SequenceNumber, Status: uint32(req.CommandStatus)})
		c.s.notifyLocked()
		c.s.mu.Unlock()
		return true
	case *pdu.UnbindResp, *pdu.EnquireLinkResp, *pdu.GenericNack:
		return true
	default:
		if !p.CanResponse() {
			return true
		}
		nack := pdu.NewGenericNack()
		nack.SetSequenceNumber(p.GetSequenceNumber())
		nack.(*pdu.GenericNack).CommandStatus = data.ESME_RINVCMDID
		return c.write(nack) == nil
	}
}

func (c *conn) bind(req *pdu.BindRequest) bool {
	c.s.mu.Lock()
	c.s.bindAttempts++
	status := data.ESME_ROK
	switch {
	case c.bound:
		status = data.ESME_RALYBND
	case req.SystemID != c.s.systemID:
		status = data.ESME_RINVSYSID
	case req.Password != c.s.password:
		status = data.ESME_RINVPASWD
	default:
		c.bound = true
		c.s.binds++
	}
	c.s.notifyLocked()
	c.s.mu.Unlock()

	resp := req.GetResponse().(*pdu.BindResp)
	resp.CommandStatus = status
	resp.SystemID = "smsctest"
	if err := c.write(resp); err != nil {
		return false
	}
	// A refused bind ends the connection, as SMSCs commonly do.
	return status == data.ESME_ROK || status == data.ESME_RALYBND
}

func (c *conn) submit(req *pdu.SubmitSM, raw []byte) bool {
	resp := req.GetResponse().(*pdu.SubmitSMResp)
	c.s.mu.Lock()
	bound := c.bound
	c.s.mu.Unlock()
	if !bound {
		resp.CommandStatus = data.ESME_RINVBNDSTS
		return c.write(resp) == nil
	}
	dc, sm, err := rawShortMessage(raw[16:])
	if err != nil {
		resp.CommandStatus = data.ESME_RINVMSGLEN
		return c.write(resp) == nil
	}
	sub := c.s.record(Submit{
		ServiceType:        req.ServiceType,
		SourceAddr:         req.SourceAddr.Address(),
		SourceTON:          req.SourceAddr.Ton(),
		SourceNPI:          req.SourceAddr.Npi(),
		DestAddr:           req.DestAddr.Address(),
		DestTON:            req.DestAddr.Ton(),
		DestNPI:            req.DestAddr.Npi(),
		ESMClass:           req.EsmClass,
		DataCoding:         dc,
		RegisteredDelivery: req.RegisteredDelivery,
		ShortMessage:       sm,
		Seq:                req.SequenceNumber,
		At:                 time.Now(),
	})
	if sub.Status == NoResponse {
		return true
	}
	resp.CommandStatus = data.CommandStatusType(sub.Status)
	resp.MessageID = sub.MessageID
	return c.write(resp) == nil
}

// sendDeliver writes a deliver_sm built from d without interpreting it.
func (c *conn) sendDeliver(d DeliverSM) error {
	p := pdu.NewDeliverSM()
	sm := p.(*pdu.DeliverSM)
	var err error
	if sm.SourceAddr, err = pdu.NewAddressWithTonNpiAddr(1, 1, d.SourceAddr); err != nil {
		return fmt.Errorf("smsctest: source: %w", err)
	}
	if sm.DestAddr, err = pdu.NewAddressWithTonNpiAddr(1, 1, d.DestAddr); err != nil {
		return fmt.Errorf("smsctest: destination: %w", err)
	}
	sm.EsmClass = d.ESMClass
	if err := sm.Message.SetMessageDataWithEncoding(d.ShortMessage, data.NewCustomEncoding(d.DataCoding, octets{})); err != nil {
		return fmt.Errorf("smsctest: short message: %w", err)
	}
	for tag, v := range d.TLVs {
		sm.RegisterOptionalParam(pdu.Field{Tag: pdu.Tag(tag), Data: v})
	}
	c.wmu.Lock()
	c.seq++
	p.SetSequenceNumber(c.seq)
	c.wmu.Unlock()
	return c.write(p)
}

// octets leaves short message octets as they are.
type octets struct{}

func (octets) Encode(s string) ([]byte, error) { return []byte(s), nil }
func (octets) Decode(b []byte) (string, error) { return string(b), nil }

func (c *conn) write(p pdu.PDU) error {
	buf := pdu.NewBuffer(make([]byte, 0, 64))
	p.Marshal(buf)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	_, err := c.nc.Write(buf.Bytes())
	return err
}
