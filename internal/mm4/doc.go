// Package mm4 reads and writes MM4_forward.REQ, the message one MMSC (or a
// VASP submitting NowSMS-style) sends another over SMTP: RFC 5322 headers,
// X-Mms-* headers and a MIME body.
//
// It follows 3GPP TS 23.140 §8.4 for the headers and RFC 2045-2047 and
// RFC 2231 for the body. Build always writes the strict form (canonical
// spellings, quoted IDs, CRLF, lines within 76 characters, base64 for
// binary parts).
//
// Parse departs from the letter of those texts where real peers do, because
// refusing them would lose messages (mm4.md §11):
//
//   - header names, the message type and the yes/no, class, priority and
//     visibility tokens are compared without case; unknown class and
//     priority values are dropped rather than refused;
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
