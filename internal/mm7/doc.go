// Package mm7 is the MMSC's MM7 edge for VASPs (3GPP TS 23.140 §8.7, SOAP
// 1.1 over HTTP, codec in package mm7soap): a VASP POSTs a SubmitReq to
// <public_url>/mm7 and is answered with a SubmitRsp whose StatusCode 1000
// and MessageID mean the message is durable. The message goes to the one
// accept path as a message from the interface MM7 and the VASP's account.
// A CancelReq withdraws a message, a ReplaceReq gives it new content; both
// are answered 1000, or 2005 for a message that is not the account's.
//
// Authentication is HTTP Basic against the same VASP accounts as MM4, with
// their IP accounts, allow lists and sender masks, and the same failed-login
// throttle; failure is 401 with WWW-Authenticate.
//
// Where it departs from, or reads, the specifications:
//   - Answers are given in the namespace and MM7Version of the request,
//     echoing its TransactionID (mm7.md §2).
//   - What stops the request from being understood as MM7 (not XML, not
//     SOAP, no known operation, a missing mandatory element, a version
//     outside 5.1–6.x) is a SOAP Fault with HTTP 500 carrying an RSErrorRsp
//     with the 4xxx code (mm7.md §4). So is a body over the size limit (2004),
//     whose SOAP part is not read.
//   - Everything about a well-formed operation is answered in its own …Rsp
//     with HTTP 200: 2001 for a sender outside the account's masks, 2002 for
//     an address that is no phone number or e-mail address, 2003 when no
//     recipient can be reached, 2007 for content that cannot be read, 1100
//     (partial success, with a MessageID) when some recipients cannot be
//     reached, 3000 for trouble storing the message (the VASP retries).
//   - A recipient marked displayOnly is shown, not delivered to.
//   - A ReplaceReq replaces the content only; its ServiceCode, ReadReply
//     and EarliestDeliveryTime are read and not applied.
//   - VASPID, VASID, ServiceCode, LinkedID, ChargedParty,
//     DistributionIndicator and allowAdaptations are kept with the message
//     (mms.Service). A LinkedID must name a message of ours (2006); a
//     DistributionIndicator of false stops handsets forwarding the message
//     (m-forward-req); charging and content adaptation come with their
//     issues.
package mm7
