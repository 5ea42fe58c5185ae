// Package queue decides when delivery work runs. It leases due rows (a
// recipient's delivery, an outbox mail: any Job) from the store, runs one
// attempt for each through a handler, and
// releases each row with the attempt's outcome, which says when the row is
// due next. It knows nothing of MMS: retries, re-notification and expiry
// are policies of the handler, expressed as the next due time.
//
// New work does not wait for a poll: whoever stores it calls Wake, and the
// queue leases at once. Otherwise the queue sleeps until the earliest due
// row (asked of the store), or at most MaxIdle (the sweep), which only
// bounds how long a row written by another process can go unnoticed.
//
// Leases are renewed while their process lives (Leases: a heartbeat every
// LeaseFor/3), so an attempt may outlast its lease, up to MaxAttempt, and
// a row leased by a process that died is taken over LeaseFor after its
// last renewal. An attempt whose lease is about to run out unrenewed gives
// up first, so that it never sends after another process took the row.
package queue
