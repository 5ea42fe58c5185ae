// Package mimebody reads MIME entities as the MMS interfaces receive them:
// MM4 and MM3 mail, and the SOAP messages with attachments of MM7. Split
// separates a message's header from its body, Decode walks the body into
// its leaf parts, decoded, and the rest reads single header values.
//
// It follows RFC 2045 (transfer encodings, Content-Type, Content-ID), RFC
// 2046 (media types, multipart), RFC 2047 (encoded words in header text),
// RFC 2231 (parameter continuations and charsets) and, for the WAP names of
// multipart types, OMA MMS ENC and WAP-230-WSP. A header block is read as
// go-message reads it, which this package did before it read them itself.
//
// It departs from those texts where real peers do, because refusing them
// would lose messages (mm4.md §11):
//
//   - lines may end in a bare LF as well as CRLF, in the header and
//     before a delimiter line, even mixed in one body;
//   - application/vnd.wap.multipart.* is read as multipart/*;
//   - Content-Type parameters that break RFC 2045 syntax (start=<smil>,
//     type=application/smil unquoted, stray semicolons) are read anyway;
//   - RFC 2231 values are decoded from UTF-8 and US-ASCII only, others
//     kept as written, and on the lenient path from UTF-8 only and without
//     continuations;
//   - parameter values other than the boundary, and Content-Location, are
//     RFC 2047-decoded, which RFC 2047 §5 does not allow there, because
//     phones encode file names that way;
//   - a boundary may be up to 256 characters long, not 70;
//   - a part whose first line is plainly not a header is taken as a body
//     without header;
//   - base64 may lack its padding or be several padded runs in a row;
//     white space is skipped, but any other character outside the alphabet
//     is refused rather than ignored as RFC 2045 §6.8 says, since it means
//     the body was damaged;
//   - Content-Transfer-Encoding may be quoted or carry a comment, and is
//     ignored on multipart containers;
//   - a Content-ID may be quoted, and without angle brackets gets them;
//   - text with no charset or US-ASCII that is valid UTF-8 is labelled
//     UTF-8; text in a charset that cannot be converted is kept as it is,
//     with its label;
//   - UTF-7 (RFC 2152), which golang.org/x/text cannot decode, is decoded
//     here, and leniently: any ASCII character may stand for itself, and
//     each ill-formed run or 8-bit byte becomes U+FFFD rather than costing
//     the whole text its conversion;
//   - header text that is neither ASCII nor RFC 2047 is read as UTF-8, or
//     as ISO-8859-1 when it is not valid UTF-8;
//   - control characters in values read are replaced with spaces, so that
//     they cannot break the headers or logs they are written to.
//
// A message/rfc822 part is one leaf, not walked into. Anything that cannot
// be decoded without guessing the content (a missing delimiter, bad
// base64, an unknown transfer encoding) is refused with a Malformed error,
// its reason short enough for an SMTP reply. Limits on header size,
// nesting and part count keep hostile input cheap.
package mimebody
