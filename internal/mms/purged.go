package mms

// Purged says what a retention purge deleted.
type Purged struct {
	Messages int // messages, with their parts, deliveries, read reports and events
	Segments int // content-log segment files
}
