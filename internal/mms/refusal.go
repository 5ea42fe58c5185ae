package mms

// Refusal is why an ingress refused a message, or a step towards one (a
// login, a recipient, a connection), in words every interface shares: each
// edge names one for every refusal where it writes its wire reply, so that
// refusals over MM4, MM1 and MM7 can be counted side by side. The set is
// small and fixed on purpose: it is a metric's label.
type Refusal string

// Refusals.
const (
	RefusedAuth        Refusal = "auth"        // no credentials, wrong ones, or a login from outside the account's allow list
	RefusedThrottled   Refusal = "throttled"   // too many failed logins from the address or for the account
	RefusedSender      Refusal = "sender"      // a sender the account may not use
	RefusedRecipient   Refusal = "recipient"   // a recipient that is not ours, not an address, or cannot be reached
	RefusedSize        Refusal = "size"        // more than the interface takes
	RefusedMalformed   Refusal = "malformed"   // cannot be read: syntax, encoding, a missing or unknown field or version
	RefusedDenied      Refusal = "denied"      // understood and not allowed: an operation not offered, a message not the sender's
	RefusedTimeout     Refusal = "timeout"     // the sender took too long
	RefusedConnections Refusal = "connections" // too many connections, from the address or in all
	RefusedTemporary   Refusal = "temporary"   // our trouble (the store, a lookup): the sender should try again
)

// Refusals is every Refusal, for those that must know them all in advance
// (a metric shows each at zero before the first).
func Refusals() []Refusal {
	return []Refusal{RefusedAuth, RefusedThrottled, RefusedSender, RefusedRecipient, RefusedSize,
		RefusedMalformed, RefusedDenied, RefusedTimeout, RefusedConnections, RefusedTemporary}
}
