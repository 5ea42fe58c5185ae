// Package mm7out carries MM7 out of the MMSC to VASPs (3GPP TS 23.140
// §8.7, written by package mm7soap): the DeliveryReportReq and ReadReplyReq
// owed to a VASP that submitted a message, POSTed as SOAP to the MM7 URL of
// its account with its HTTP Basic credentials, in the MM7Version the
// account names (a VASP's strict stack discards a report in another).
//
// An answer's status decides: 1000 is done; 3xxx, 4006, a timeout, or an
// HTTP error without a readable MM7 status is tried again; any other code
// is a final refusal. The mapping of states to MMStatus departs from the
// REL-5 schema on purpose only where it must: Deferred, which REL-5 lacks,
// is sent to a 5.x VASP as Indeterminate (mm7.md §3).
package mm7out
