// Package smpp is the MMSC's SMPP client: it keeps one bind_transceiver link
// to an SMSC and sends WAP Push and text SMS over it as submit_sm, and
// turns the SMSC's delivery receipts (deliver_sm) into Receipt values.
//
// It follows SMPP v3.4 (Issue 1.2): §4.1 bind_transceiver, §4.4 submit_sm,
// §4.6 deliver_sm, §4.11 enquire_link, §4.2 unbind, §5.1.3 command_status,
// §5.2.12 esm_class, §5.3.2.12 receipted_message_id and §5.3.2.35
// message_state, and Appendix B for the delivery receipt text. Every
// segment is sent as the caller encoded it, with the caller's data_coding:
// the client never re-encodes, so one path carries WAP Push (8-bit data,
// 0x04, framed as WAP-259-WDP over GSM SMS) and text (GSM 7-bit or UCS-2).
// A segment begins with its UDH and goes with esm_class 0x40 (UDHI),
// except a text that fits one SMS, which has none (esm_class 0). Encoding,
// segmentation and the UDH are the caller's work (package mmsenc).
//
// Departures from SMPP v3.4:
//   - Only the transceiver bind is used; outbind, submit_multi, data_sm,
//     query_sm, cancel_sm and replace_sm are not. A request the client does
//     not handle (data_sm, unknown command ids) is answered generic_nack
//     ESME_RINVCMDID.
//   - Every deliver_sm is acknowledged ESME_ROK, even one that cannot be
//     decoded or whose handling panicked: a receipt we can never read would
//     otherwise be redelivered forever. The failure is logged with the PDU.
//     A mobile-originated SMS is acknowledged too, and only logged: the
//     MMSC has nothing to do with one.
//   - Appendix B calls the receipt format vendor specific; the parser takes
//     the common "id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…
//     text:…" layout in any order and case, and the receipted_message_id and
//     message_state TLVs win over the text when both are present.
//   - A command_status that §5.1.3 does not define, or that may clear by
//     itself, is treated as temporary: the caller's bounded retry costs less
//     than a lost notification (see the table in status.go).
//
// Design: the package drives github.com/linxGnu/gosmpp's pdu package over
// its own net.Conn instead of using gosmpp's Session/Transceiver (v0.3.1).
// The session API makes the behaviour this client needs awkward or
// impossible: NewSession fails outright when the SMSC is absent at start
// (there is no session to retry); rebinding sleeps a fixed interval in a
// goroutine that no context can stop, with no backoff; the bind response is
// read without a deadline, so a peer that accepts TCP and stays silent hangs
// the rebind for ever; submit results arrive only through callbacks keyed by
// sequence number and a full window drops the PDU (ErrWindowsFull via
// OnSubmitError) instead of waiting; the window store prints to stdout; a
// deliver_sm that fails to decode closes the whole link although its frame
// was read completely; and StoreAccessTimeOut is multiplied by
// time.Millisecond inside the library (linxGnu/gosmpp#189), so
// 100*time.Millisecond passed in becomes some 28 hours. Owning the loop gives each
// submit_sm its own result channel, a window that waits, prompt failure of
// outstanding submits when the link drops, a context everywhere, and
// exponential backoff. The pdu package is still used for every PDU's
// encoding and decoding.
//
// gosmpp defect #172 (a short message with a data_coding outside its table
// decodes with a nil Encoding) is handled in deliver.go: the encoding is
// nil-checked, the receipt text is read from the raw octets, and a recover
// keeps any remaining surprise from taking the link down.
package smpp
