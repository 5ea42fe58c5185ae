// Package cdr writes CDRs (call detail records, here one per recipient of
// a message): a JSON line for every recipient whose delivery has ended,
// saying who sent what to whom, by which interfaces, for which service,
// when it was accepted, first notified and ended, and how it ended. They
// are what billing and reconciliation read.
//
// # Fields
//
// Each line is one object, keys in snake_case, times RFC 3339 in UTC with
// milliseconds: cdr_id, message_id, interface_in (mm4, mm1, mm7), account
// (the VASP or peer account; "" for a handset), from (the sender's number
// when it is one, else its address), to, interface_out (mm1, mm4, mm7,
// wappush, weblink, none), route (as stored, "mm4:NAME" with the peer's
// route), size (octets as received), service_code and linked_id (MM7's,
// "" for none), accepted_at, first_notified_at (absent when never
// notified), final_at, state, attempts and notifications.
//
// # At least once
//
// A line is written only after the state it reports is durable in the
// store, and the store marks it written only after the line is synced to
// its file. A crash in between writes the line again after the restart,
// so each CDR is there at least once, and a consumer removes repeats by
// cdr_id, "<message_id>/<recipient row>", which is the same every time.
// A write or sync that fails marks nothing: the lines are written again
// later. A line cut short (by a crash while writing it) ends the file
// without its newline; the next open cuts it off, and it comes again.
//
// # Files
//
// Lines go to cdr-YYYY-MM-DD.jsonl in the configured directory, named after
// the UTC day they were written on (not the day the recipient ended), so
// that a day's file never changes once that day is over and can be
// collected then. Files are created 0640, the directory 0750.
package cdr
