// Package mm7soap reads and writes MM7, the interface between VASPs and the
// MMSC (3GPP TS 23.140 §8.7 and its XML schemas REL-5-MM7-1-x and
// REL-6-MM7-1-x): SOAP 1.1 envelopes, alone as text/xml or as the root of a
// multipart/related (RFC 2387) whose other part, named by the operation's
// Content href (RFC 2392 cid:), is the message's content.
//
// It reads what VASP software really sends, which departs from the schemas
// in ways peers report as their most common trouble (mm7.md §2, §6):
//
//   - elements are found by local name, whatever their namespace or prefix,
//     and the body's namespace may differ from the header's; the request's
//     namespace and MM7Version are kept so the answer can be given in them;
//   - any MM7Version from 5.1.0 to 6.x is taken (4002 outside that);
//   - the older 5.2.0 form (Ericsson's and others') writes an address as
//     bare text (<SenderAddress>12345</SenderAddress>) instead of a Number,
//     ShortCode or RFC2822Address child: such text is read as an e-mail
//     address when it has an @, else as a number;
//   - the SOAP part is the one start names, else the first; a Content-ID
//     matches with or without angle brackets, an href with or without cid:,
//     and an href may name a Content-Location instead (RFC 2557);
//   - the content's parts may be base64, quoted-printable, 8bit or binary,
//     and are read by package mimebody like any other MIME.
//
// It writes the strict form: the envelope prefix env, the MM7 namespace as
// the default namespace of the operation element, and TransactionID as a
// mustUnderstand header in the same namespace.
package mm7soap
