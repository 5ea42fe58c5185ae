// Package queue decides when delivery work runs. It leases due rows (a
// recipient's delivery, an outbox mail: any Job) from the store, runs one
// attempt for each through a handler, and
// releases each row with the attempt's outcome, which says when the row is
// due next. It knows nothing of MMS: retries, re-notification and expiry
// are policies of the handler, expressed as the next due time.
//
// New work does not wait for a poll: whoever stores it calls Wake, and the
// queue leases at once. Otherwise the queue sleeps until the earliest due
// row (asked of the store), or at most MaxIdle, which only bounds how long
// a row written by another process can go unnoticed. Leases expire, so a
// row leased by a process that died is taken over after LeaseFor.
package queue
