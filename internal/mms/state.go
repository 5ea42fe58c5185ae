package mms

// State is where one recipient of a message stands.
type State string

// Recipient states. An accepted message's recipients start queued, or
// failed when nothing can reach them (RouteNone); the delivery paths move
// them on from there.
const (
	StateQueued    State = "queued"
	StateNotified  State = "notified"
	StateRetrieved State = "retrieved"
	StateDeferred  State = "deferred"
	StateRejected  State = "rejected"
	StateExpired   State = "expired"
	StateFailed    State = "failed"
	StateForwarded State = "forwarded"
	// StateSent: handed to a peer MMSC, whose MM4_forward.RES is awaited.
	StateSent State = "sent"
	// StateCancelled: the sender withdrew the message (MM7 CancelReq)
	// before this recipient had it.
	StateCancelled State = "cancelled"
)

// Final reports whether s ends a recipient's delivery: nothing more will be
// attempted and no handset answer changes it.
func (s State) Final() bool {
	switch s {
	case StateQueued, StateNotified, StateDeferred, StateSent:
		return false
	}
	return true
}
