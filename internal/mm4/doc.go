// Package mm4 reads and writes the six MM4 PDUs (3GPP TS 23.140 §8.4,
// mm4.md): MM4_forward.REQ, the message one MMSC (or a VASP submitting
// NowSMS-style) sends another over SMTP as RFC 5322 headers, X-Mms-*
// headers and a MIME body; the delivery and read reports; and the three
// responses, each its own mail without content.
//
// It follows TS 23.140 §8.4 for the headers and RFC 2045-2047 and RFC 2231
// for the body. Build (a new forward request from text and files),
// BuildForward (a stored message relayed to a peer), BuildResponse,
// BuildDeliveryReport and BuildReadReport always write the strict form
// (canonical spellings, quoted IDs, CRLF, lines within 76 characters where
// the content allows, base64 for binary parts).
//
// Parse reads a forward request, as the SMTP ingress receives it; ParseAny
// reads any of the six. A report or response is refused only when it lacks
// what its receiver cannot act without (its Transaction-ID, its status,
// and for a report the MM's Message-ID and the two addresses).
//
// Both depart from the letter of those texts where real peers do, because
// refusing them would lose messages (mm4.md §11):
//
//   - header names, the message type and the yes/no, class, priority and
//     visibility tokens are compared without case; unknown class and
//     priority values are dropped rather than refused;
//   - status tokens are compared without case, hyphens or spaces, and
//     Unrecognized and a bare Deleted are read as Unrecognised and Deleted
//     without being read; a status outside mm4.md §6 is kept as sent;
//   - a report's missing X-Mms-Originator-System is taken from Sender, a
//     missing X-Mms-Forward-To-Originator-UA as Yes, and whatever body a
//     report or response carries is ignored;
//   - IDs may be quoted or bare, with or without angle brackets;
//   - any X-Mms-3GPP-MMS-Version is accepted, and so is none at all;
//   - a mail without X-Mms-Message-Type is taken as a forward request, so
//     that plain e-mail to MMS works;
//   - X-Mms-Expiry may be a number of seconds instead of a date, and
//     X-Mms-Read-Report (the MM1 name) stands for X-Mms-Read-Reply;
//   - To/Cc entries need not be RFC 5322 addresses ("+4477.../TYPE=PLMN"
//     without a domain is common), so they are split by hand;
//   - application/vnd.wap.multipart.* is read as multipart/*;
//   - Content-Type parameters that break RFC 2045 syntax (start=<smil>,
//     type=application/smil unquoted, stray semicolons) are read anyway;
//   - delimiter lines may follow CRLF or a bare LF, even mixed in one body;
//     a part whose first line is plainly not a header is taken as a body
//     without header;
//   - base64 may lack its padding or be several padded runs in a row;
//     Content-Transfer-Encoding may be quoted or carry a comment, and is
//     ignored on multipart containers;
//   - a Content-ID without angle brackets gets them;
//   - text in a charset that cannot be converted is kept as it is, with its
//     label; header text that is neither ASCII nor RFC 2047 is read as UTF-8,
//     or as ISO-8859-1 when it is not valid UTF-8.
//
// Anything that cannot be decoded without guessing the content (a missing
// delimiter, bad base64, an unknown transfer encoding) is refused as
// malformed, with a reason short enough for an SMTP reply. Limits on header
// size, nesting and part count keep hostile input cheap.
package mm4
