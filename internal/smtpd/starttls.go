package smtpd

import "bytes"

// STARTTLS (RFC 3207) is the connection's, not go-smtp's: go-smtp, given no
// TLS configuration, neither offers it nor does it, so it never puts a TLS
// layer of its own above trackedConn. What go-smtp writes tells the
// connection where the dialogue is:
//
//   - the EHLO line after which go-smtp would offer STARTTLS gets the offer
//     added, while the connection is not yet under TLS;
//   - goSMTPNoTLS is go-smtp's reply to a STARTTLS command, so the
//     connection answers that command instead, and may start TLS.
//
// What the client sent after STARTTLS in the clear must not count as said
// under TLS (RFC 3207 §4.2; CVE-2011-0411): reads end after each line
// go-smtp would take for STARTTLS (startTLSLine), so go-smtp holds none of
// those bytes, and the connection discards them when TLS starts. That
// holds while go-smtp reads lines; once it has read a BDAT chunk by its
// count (which it does, to discard it, even for a BDAT refused for want of
// a recipient) the scan is out of step, and STARTTLS is refused. Nor may
// what was said before count: go-smtp keeps its session, so STARTTLS is
// refused once AUTH or MAIL has been given (nothing else of the session
// outlives it but the EHLO, which go-smtp cannot be made to forget: until
// the client says EHLO again, the Session refuses MAIL and AUTH as go-smtp
// would without one, helloNeeded).
const (
	goSMTPNoTLS          = "502 5.5.1 TLS not supported\r\n"
	goSMTPNoRcpt         = "502 5.5.1 Missing RCPT TO command.\r\n" // to DATA or BDAT
	ehloBeforeSTARTTLS   = "250-CHUNKING\r\n"                       // go-smtp's offer comes next: the same bytes as when it did TLS itself
	ehloOfferingSTARTTLS = "250-CHUNKING\r\n250-STARTTLS\r\n"

	readyForTLS = "220 2.0.0 Ready to start TLS\r\n"
	tlsNoParams = "501 5.5.4 Syntax error (no parameters allowed)\r\n" // RFC 3207 §4's text
	tlsAlready  = "503 5.5.1 Already running in TLS\r\n"               // go-smtp's text
	tlsTooLate  = "503 5.5.1 STARTTLS is taken only before AUTH and MAIL\r\n"
)

// readOffering is Read while STARTTLS is offered: a read ends after a
// STARTTLS line, and what followed it waits in pending.
func (c *trackedConn) readOffering(b []byte) (int, error) {
	if len(c.pending) > 0 {
		src := c.pending[:min(len(b), len(c.pending))]
		n, found, odd := c.offer.scan(src)
		copy(b, src[:n])
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.pending = nil
		}
		c.tlsEnd, c.tlsOdd = found, odd
		return n, nil
	}
	n, err := c.stream.Read(b)
	end, found, odd := c.offer.scan(b[:n])
	if end < n { // rare: a STARTTLS line with more after it in one read
		c.pending = bytes.Clone(b[end:n])
	}
	c.tlsEnd, c.tlsOdd = found, odd
	return end, err
}

// startTLS answers a STARTTLS command, b being go-smtp's reply to it, and
// starts TLS when it may. A failed handshake closes the connection.
func (c *trackedConn) startTLS(b []byte) (int, error) {
	refusal := ""
	switch {
	case c.secure:
		refusal = tlsAlready
	case c.late:
		refusal = tlsTooLate
	case !c.tlsEnd, c.tlsOdd:
		// !tlsEnd: go-smtp took for STARTTLS a line the connection did
		// not, which it would only in the middle of a line.
		refusal = tlsNoParams
	}
	if refusal != "" {
		if _, err := c.put([]byte(refusal)); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	c.mu.Lock()
	_, err := c.stream.Write([]byte(readyForTLS)) // still busy: the stop leaves a handshake alone
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	c.pending = nil // sent in the clear after STARTTLS
	tc, err := c.tls.handshake(c.Conn, c.tls.readTimeout)
	if err != nil {
		c.Close()
		return 0, err
	}
	c.mu.Lock()
	c.stream, c.secure, c.busy = tc, true, false
	c.mu.Unlock()
	c.offer, c.tlsEnd, c.needHello = nil, false, true
	return len(b), nil
}

// isHelloReply tells go-smtp's reply to EHLO or HELO by its first line.
func isHelloReply(b []byte) bool {
	return bytes.HasPrefix(b, []byte("250-Hello ")) || bytes.HasPrefix(b, []byte("250 2.0.0 Hello "))
}

// tooLateForTLS is the Session telling c that AUTH or MAIL was given.
func (c *trackedConn) tooLateForTLS() {
	if c != nil {
		c.late = true
	}
}

// helloNeeded tells the Session that the client has not said EHLO since
// TLS started, while go-smtp still remembers the one before.
func (c *trackedConn) helloNeeded() bool {
	return c != nil && c.needHello
}
