package mms

// Service is what a VASP says of the service a message belongs to (MM7
// SubmitReq): kept with the message for the records and policies that use
// it. The zero value is a message that came by no service.
type Service struct {
	VASPID, VASID string
	ServiceCode   string // the VASP's service, for charging
	LinkedID      string // the message of ours (a DeliverReq's) this one answers
	ChargedParty  string // Sender, Recipient, Both, Neither, ThirdParty
	// NoDistribution: DistributionIndicator false, the content may not be
	// sent on (no m-forward-req of it).
	NoDistribution bool
	// NoAdaptation: allowAdaptations false, the content is delivered as
	// sent or not at all.
	NoAdaptation bool
}
