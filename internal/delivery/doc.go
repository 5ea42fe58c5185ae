// Package delivery is the delivery engine. It leases the recipients whose
// work is due (package queue), hands each to the transport of its route
// kind, records the outcome, and sends the originator what it is owed. It
// speaks only the vocabulary (mms, route): each transport writes its own
// wire form.
//
//   - mm1: an m-notification-ind in a WAP Push (OMA-TS-MMS_CTR 1.3 §6.2,
//     through a Notifier), re-notified with a doubling wait, converted to a
//     web link after convert_after, expired at the message's expiry;
//   - wappush and weblink: one SI push or text SMS with the page's link;
//   - mm4:NAME: a forward to the peer MMSC (through Peers: an
//     MM4_forward.REQ, 3GPP TS 23.140 §8.4.1), settled by the peer's answer
//     (Answers) or, without one, by its SMTP 250 after a day;
//   - the outbox: the responses and reports owed to the originator, sent
//     through the Reporter of the interface the message came by (today
//     MM4: §8.4.2–§8.4.4 to the VASP's or peer's report endpoint).
//
// It is the only writer of recipient state: besides its own attempts, it
// records what handsets say (Handsets, called by the mm1 and web edges) and
// what peers answer about our forwards (Answers); the store queues the
// report a change owes in the same write. It also records the SMSC's
// delivery receipts and purges what retention no longer keeps.
//
// Departures from the specifications are documented where they are made:
// a fetch alone marks an MM1 recipient retrieved (package mm1), and a
// forward the peer accepted with 250 but never answered counts as
// forwarded rather than failing.
//
// The rows it works on:
//
//	mm1, wappush, weblink, mm4:NAME   queue → attempt → Outcome → store.Release
//	outbox                            queue → Reporter by origin → OutboxOutcome
package delivery
