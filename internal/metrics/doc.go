// Package metrics measures the MMSC for Prometheus: what it accepts and
// refuses at each interface, what delivery makes of each attempt, how long
// accepting, committing and first notifications take, how deep the delivery
// queue is, the SMS link and its submit_sm results, HTTP requests, and what
// peers and VASPs answer our MM4 and MM7 requests. Handler serves it all in
// the Prometheus text format (the admin listener mounts it at /metrics).
//
// It owns its registry: nothing is registered globally, so two servers in
// one process (the tests) measure apart. The measured packages never import
// it, nor Prometheus: each declares the small observer interface it calls,
// with plain types, and Metrics implements them (or an adapter that Ingress
// and Outbound return, where the interface is a label). A package given no
// observer skips the call.
//
// Names follow the Prometheus conventions: everything starts with mmsc_,
// counters end in _total, and times are histograms in seconds ending in
// _seconds, with buckets from half a millisecond up, since the paths
// measured take milliseconds when well. Labels are bounded: interface names,
// refusal reasons (mms.Refusals), route kinds rather than routes, recipient
// states, SMPP command status names, the ServeMux's patterns, HTTP status
// codes, and the names of accounts, peers and VASPs that the operator
// configures. No label carries a message ID, a phone number, an address or
// anything else a sender chooses.
package metrics
