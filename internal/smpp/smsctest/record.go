package smsctest

import "time"

// NoResponse, returned by a handler, makes the server swallow the
// submit_sm without answering, as an overloaded or broken SMSC would.
const NoResponse uint32 = 0xFFFFFFFF

// Submit is one submit_sm as the server received it.
type Submit struct {
	ServiceType          string
	SourceAddr           string
	SourceTON, SourceNPI byte
	DestAddr             string
	DestTON, DestNPI     byte
	ESMClass, DataCoding byte
	RegisteredDelivery   byte
	ShortMessage         []byte // the exact octets, UDH included
	Seq                  int32
	Status               uint32 // the command_status answered, or NoResponse
	MessageID            string // assigned when Status is 0
	At                   time.Time
}

// DeliverSM describes a deliver_sm for SendRaw. Nothing in it is checked
// or encoded: DataCoding and ShortMessage go on the wire as given.
type DeliverSM struct {
	SourceAddr, DestAddr string
	ESMClass, DataCoding byte
	ShortMessage         []byte
	TLVs                 map[uint16][]byte // optional parameters by tag
}

// DeliverResp is the client's answer to a deliver_sm.
type DeliverResp struct {
	Seq    int32
	Status uint32
}
