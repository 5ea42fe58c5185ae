package mms

// Stats is the traffic at a glance: recipients by state, messages by the
// interface they came by, and messages received lately.
type Stats struct {
	Recipients map[State]int
	Messages   map[Interface]int
	LastMinute int // messages received in the last minute
	LastHour   int // and in the last hour
}
