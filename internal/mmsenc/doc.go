// Package mmsenc is the binary encoding of MM1, the interface between the
// MMSC and handsets: MMS PDUs, their multipart bodies, the WSP Push that
// carries a notification and its cutting into SMS; and, for handsets
// without MMS, the Service Indication of Multimedia WAP Push and the text
// SMS that carries the same link. It is pure functions over bytes; it does
// no I/O and imports nothing else of this module.
//
// It follows, as condensed in mms-encoding.md:
//
//   - OMA-TS-MMS_ENC 1.3 §7 for the PDUs and their header fields;
//   - WAP-230-WSP §8.4 for the primitives (uintvar, Short- and Long-integer,
//     Text-string, Encoded-string-value, Content-type-value and its
//     parameters), §8.5 for the multipart body and §8.2.4.1 for the
//     connectionless Push PDU;
//   - WAP-259-WDP Annex A and 3GPP TS 23.040 §9.2.3.24 for WAP Push over SMS:
//     the 16-bit application port element (2948 from 9200) and the 8-bit
//     concatenation element;
//   - WAP-167-ServiceInd and WAP-192-WBXML for the Service Indication
//     (EncodeSI, DecodeSI), mms-encoding.md §11;
//   - 3GPP TS 23.038 §6.2.1 and 23.040 §9.2.3.24.1 for text SMS
//     (EncodeTextSMS): the GSM 7-bit default alphabet, one unpacked septet
//     an octet as SMPP carries it, or UCS-2.
//
// Encode departs from what those texts allow where Android's parser (AOSP
// PduParser) is stricter, and always writes the form Android accepts
// (mms-encoding.md §1):
//
//   - X-Mms-Message-Type, X-Mms-Transaction-ID and X-Mms-MMS-Version lead
//     every PDU in that order; Content-Type is the last header;
//   - Date, X-Mms-Message-Size and the number in X-Mms-Expiry are
//     Long-integers even when a Short-integer would do;
//   - the charset of an Encoded-string-value is the one octet 0xEA (UTF-8),
//     and Subject, To, Cc, Bcc and the status texts always carry it, ASCII
//     or not, as the worked examples do; a Text-string starting with an
//     octet >= 0x80 gets the 0x7F quote, also after a charset;
//   - m-retrieve-conf always has Date and a vnd.wap.multipart mixed, related
//     or alternative body; m-notification-ind always has Message-Class
//     ("Personal" when none is given), Message-Size, Expiry and
//     Content-Location;
//   - Content-Location and then Content-ID are the first, and only, headers
//     of each part;
//   - uintvars and Long-integers are minimal; the version defaults to 1.2.
//
// Decode is lenient where real senders are (see Decode), bounds every length
// by the data left, and never panics. It does not convert charsets beyond
// UTF-8, US-ASCII, ISO-8859-1 and UTF-16/UCS-2: text in any other charset is
// returned as it came. Content types are given as strings that
// mime.ParseMediaType accepts, parameters in wire order; on the way in, the
// unquoted start=<smil> of MMS practice is accepted as well.
//
// What the package does not do: MMS 1.2 mailbox and 1.3 delete and cancel
// PDUs (Decode reads their headers generically; Encode refuses them; the
// 1.1 m-forward-req and m-forward-conf it does write),
// header code pages other than the default one, and RFC 2231 parameter
// continuations.
package mmsenc
