// Package mms is the vocabulary of the MMSC, the words every interface
// turns its wire form into and every part of the core speaks: a message and
// its parts, where it came from (Origin), its recipients with their routes
// and states, a recipient's delivery work and what an attempt made of it
// (Delivery, Outcome), what is owed to the originator (OutboxMail, Report),
// and the error classes that every edge maps to its wire (Permanent,
// ErrNotFound, ErrNoEndpoint). It also holds what packages that may not
// import each other must agree on (the link to a recipient's web page, when
// two spellings are one phone number).
//
// It follows the MMS address model of OMA MMS ENC 1.3 §8 (value "/TYPE=" type),
// the MM4 address forms of 3GPP TS 23.140 §8.4 as real peers send them, and
// the reference points of TS 23.140 §4 for the interfaces a message comes by.
// It does no I/O and imports nothing else of this module.
package mms
