// Package smsctest is a fake SMSC for tests: an SMPP v3.4 server on the
// loopback interface that accepts binds (checking system_id and password),
// answers enquire_link and unbind, records every submit_sm, answers it as
// a test programs (accept with ids "1", "2", …, refuse with a status, or
// stay silent), drops links on demand and sends deliver_sm receipts,
// including malformed ones.
//
// It is built on github.com/linxGnu/gosmpp's pdu package, the same codec
// the client uses, except that the submitted short_message and data_coding
// are read from the raw octets so that tests see exactly what was on the
// wire, not gosmpp's reading of it.
//
// It is a normal package only so that tests in other packages (such as the
// cmd/mmsc end-to-end tests) can import it. Import it from _test.go files
// only; it has no place in a production binary.
package smsctest
