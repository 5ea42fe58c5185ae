// Package mm4out is the SMTP client that carries MM4 out of the MMSC:
// MM4_forward.REQ to peer MMSCs, the .RES and reports that answer peers
// (3GPP TS 23.140 §8.4, every PDU is an ordinary mail over SMTP), and MM4
// reports to VASP report endpoints.
//
// It follows RFC 5321 (SMTP) on top of go-smtp's client, RFC 3207 (STARTTLS),
// RFC 4954 (AUTH) with RFC 4616 PLAIN and the de-facto LOGIN mechanism, RFC
// 1870 (SIZE is declared in MAIL FROM) and RFC 3463 (enhanced status codes are
// reported, never required). The mail transaction is TS 23.140's: the 250
// after DATA only means the peer took the bytes; the MM4 answer, if any,
// arrives later as its own mail, so Send ends at that 250.
//
// Connections are pooled per peer and reused across Sends; see pool.go.
// Transport is the client as the delivery engine uses it: a route or an
// account's report endpoint names the peer (transport.go), and Forward
// writes a recipient's MM4_forward.REQ (forward.go). Reporter answers
// the originators of messages that came over MM4, writing their delivery
// and read reports (reporter.go).
//
// Departures and choices:
//   - Several RCPT TO in one transaction, some refused: DATA still goes to
//     the accepted ones and Send returns both the reply and a *SendError
//     listing the refused ones (TS 23.140 lets the peer take part of a
//     forward; the caller reports the rest). See SendError.Partial.
//   - Opportunistic TLS is RFC 7435's: when STARTTLS is offered it is used,
//     but a refused STARTTLS or a failed handshake falls back to plain text
//     (the latter on a new connection). Use TLSRequired for a guarantee.
//   - LOGIN answers by prompt ("Username:", "Password:") rather than by turn,
//     and sends no initial response, because go-sasl's LOGIN client fails
//     against peers that ask for the user name again (loginclient.go).
//   - go-smtp v0.25.1 offers STARTTLS only when a client is created, and
//     then says EHLO as "localhost"; this package sends STARTTLS itself so
//     that every EHLO carries Peer.HELO (starttls.go).
//   - The client does not pipeline (RFC 2920): one command, one reply.
package mm4out
