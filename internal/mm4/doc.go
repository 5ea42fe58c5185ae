// Package mm4 reads and writes the six MM4 PDUs (3GPP TS 23.140 §8.4,
// mm4.md): MM4_forward.REQ, the message one MMSC (or a VASP submitting
// NowSMS-style) sends another over SMTP as RFC 5322 headers, X-Mms-*
// headers and a MIME body; the delivery and read reports; and the three
// responses, each its own mail without content.
//
// It follows TS 23.140 §8.4 for the headers and RFC 2045-2047 and RFC 2231
// for the body it writes; package mimebody reads bodies and header text,
// with the departures from those RFCs it lists. Build (a new forward
// request from text and files), BuildForward (a stored message relayed to
// a peer), BuildResponse, BuildDeliveryReport and BuildReadReport always
// write the strict form (canonical spellings, quoted IDs, CRLF, lines
// within 76 characters where the content allows, base64 for binary parts).
//
// Parse reads a forward request, as the SMTP ingress receives it; ParseAny
// reads any of the six. A report or response is refused only when it lacks
// what its receiver cannot act without (its Transaction-ID, its status,
// and for a report the MM's Message-ID and the two addresses). A body
// mimebody refuses is refused with its reason, as ErrMalformed.
//
// Both depart from the letter of TS 23.140 where real peers do, because
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
//     without a domain is common), so they are split by hand.
package mm4
