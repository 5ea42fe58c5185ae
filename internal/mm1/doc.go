// Package mm1 is the handset-facing HTTP side of MM1 (OMA-TS-MMS_CTR 1.3
// §6–§8, PDUs per OMA-TS-MMS_ENC 1.3 through package mmsenc): a handset
// sends a message by POSTing an m-send-req to the MMSC's address and is
// answered with an m-send-conf (or forwards one it was notified of with an
// m-forward-req, answered with an m-forward-conf); it fetches its m-retrieve-conf with GET on
// the Content-Location its notification named; and it POSTs
// m-notifyresp-ind, m-acknowledge-ind and m-read-rec-ind to the MMSC's
// address. A submission becomes an mms.Message from the interface MM1 and
// goes to the accept path like any other.
//
// Where it departs from the letter of the specifications, it does so on
// purpose:
//   - A successful GET alone marks the recipient retrieved, with or without
//     the acknowledgement that should follow: handsets and gateways that
//     lose it otherwise cause re-notification of a message the user already
//     has (the duplicate-MMS complaint).
//   - When the WAP gateway identifies the subscriber with an MSISDN header
//     (configurable names), it must be the recipient's number, else 403;
//     so too for m-notifyresp-ind and m-acknowledge-ind. A header given
//     twice, or two that disagree, is 400. A request without such a header
//     is served: the token (128 random bits) is the credential, as in every
//     MMSC that sits behind no gateway.
//   - Answers to POSTs are 204 No Content; the specifications define no
//     response body for these PDUs. Anything that is not a PDU we expect,
//     or names no recipient we know, is 400 and changes nothing.
//   - HEAD is answered like GET without a body and changes nothing.
//   - The sender of an m-send-req is the MSISDN a trusted gateway inserts
//     (TrustedProxies), never the PDU's From, which is replaced by it; no
//     such MSISDN is Error-permanent-sending-address-unresolved. The same
//     rule holds for the MSISDN check of a retrieval.
//   - An m-send-req is answered Ok when at least one recipient can be
//     reached; the others are named in X-Mms-Response-Text. A repeat from
//     the same sender with the same Transaction-ID within ten minutes (a
//     handset that timed out) gets the first answer's Message-ID and makes
//     nothing new. X-Mms-Delivery-Time holds every recipient's first
//     notification (or forward) until then.
package mm1
