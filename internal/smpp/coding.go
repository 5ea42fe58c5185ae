package smpp

import "github.com/linxGnu/gosmpp/data"

// octets is an identity data.EncDec. Message segments arrive already
// encoded (WAP Push is binary), and gosmpp needs an Encoding only to learn
// which data_coding octet to write; passing the bytes through unchanged
// keeps the library from re-encoding them, and lets any data_coding value
// be sent, not only those in gosmpp's table.
type octets struct{}

func (octets) Encode(s string) ([]byte, error) { return []byte(s), nil }
func (octets) Decode(b []byte) (string, error) { return string(b), nil }

func rawCoding(dataCoding byte) data.Encoding {
	return data.NewCustomEncoding(dataCoding, octets{})
}
