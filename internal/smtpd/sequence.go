package smtpd

import "bytes"

// rfcReplies are go-smtp's replies whose codes the RFCs give otherwise,
// each mapped to the same text with the right code, of the same length so
// that a write changes no byte count:
//
//   - a command out of order is 503, "bad sequence of commands" (RFC 5321
//     §4.2.4, §4.3.2), where go-smtp says 502, "not implemented";
//   - undecodable base64 in AUTH, and an AUTH PLAIN response without its
//     two NULs, are 501 5.5.2 (RFC 4954 §4: the client's response cannot
//     be parsed), where go-smtp says 454 4.7.0, which is temporary: a
//     client would retry it forever;
//   - AUTH without a mechanism is a syntax error, 501 (RFC 4954 §4), where
//     go-smtp says 502, "not implemented";
//   - a MAIL FROM or RCPT TO parameter the server does not know is 555
//     (RFC 5321 §4.1.1.11, §4.2.4), where go-smtp says 500, "command
//     unrecognized".
//
// go-smtp decides these before any Session method runs, so they are
// corrected as they are written (fixReplies). No other reply is touched.
var rfcReplies = map[string]string{
	"502 5.5.1 Please introduce yourself first.":         "503 5.5.1 Please introduce yourself first.",
	"502 5.5.1 MAIL not allowed during message transfer": "503 5.5.1 MAIL not allowed during message transfer",
	"502 5.5.1 Missing MAIL FROM command.":               "503 5.5.1 Missing MAIL FROM command.",
	"502 5.5.1 RCPT not allowed during message transfer": "503 5.5.1 RCPT not allowed during message transfer",
	"502 5.5.1 DATA not allowed during message transfer": "503 5.5.1 DATA not allowed during message transfer",
	"502 5.5.1 DATA not allowed for BINARYMIME messages": "503 5.5.1 DATA not allowed for BINARYMIME messages",
	"502 5.5.1 Missing RCPT TO command.":                 "503 5.5.1 Missing RCPT TO command.",
	"454 4.7.0 Invalid base64 data":                      "501 5.5.2 Invalid base64 data",
	"454 4.7.0 sasl: invalid response":                   "501 5.5.2 sasl: invalid response",
	"502 5.5.4 Missing parameter":                        "501 5.5.4 Missing parameter",
	"500 5.5.4 Unknown MAIL FROM argument":               "555 5.5.4 Unknown MAIL FROM argument",
	"500 5.5.4 Unknown RCPT TO argument":                 "555 5.5.4 Unknown RCPT TO argument",
}

// fixReplies is b, a write of whole reply lines, with each line that
// rfcReplies names corrected; b itself when none is.
func fixReplies(b []byte) []byte {
	if len(b) < 4 || (b[0] != '4' && b[0] != '5') {
		return b
	}
	var out []byte
	for rest, off := b, 0; len(rest) > 0; {
		line, after, found := bytes.Cut(rest, []byte("\r\n"))
		if fixed, ok := rfcReplies[string(line)]; ok {
			if out == nil {
				out = bytes.Clone(b)
			}
			copy(out[off:], fixed)
		}
		if !found {
			break
		}
		off += len(line) + 2
		rest = after
	}
	if out == nil {
		return b
	}
	return out
}
