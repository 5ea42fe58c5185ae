// Package accept is the one accept path of the MMSC. Every ingress (MM4
// over SMTP today; MM1 submission, MM7 and MM3 next) turns its wire form
// into an mms.Message and calls Path.Accept, then turns the answer into its
// own reply: an ID means the message is durable, an error marked
// mms.Permanent is the message's fault, any other is temporary trouble.
//
// Accept gives the message its identity, receipt time and expiry, routes
// every recipient and hands the whole to the store in one durable step,
// then wakes delivery. Routing follows NowSMS: a route the sender chose by
// address form (Multimedia WAP Push) is kept; local numbers (local_numbers)
// go to their handsets over MM1, unless a weblink route names them; the
// rest go by the routing table (package route) or the operator's routing
// callback (NowSMS MMSRoutingURL, package routecheck): to a peer MMSC over
// MM4, to MM1, to a web link, or nowhere, in which case the recipient fails
// at once and the others go on.
//
// What an ingress owes the originator once the recipients are routed (MM4's
// MM4_forward.RES, whose status says whether any recipient could be routed)
// is written by that interface's Responder and stored in the same durable
// step as the message, because the response must not be lost when the
// message is not.
package accept
