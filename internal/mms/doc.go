// Package mms is the vocabulary of the MMSC: messages, parts, addresses,
// recipient states and the error classes that every edge maps to its wire,
// and what packages that may not import each other must agree on (the link
// to a recipient's web page, when two spellings are one phone number).
//
// It follows the MMS address model of OMA MMS ENC 1.3 §8 (value "/TYPE=" type)
// and the MM4 address forms of 3GPP TS 23.140 §8.4 as real peers send them.
// It does no I/O and imports nothing else of this module.
package mms
