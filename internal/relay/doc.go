// Package relay makes the MMSC's decisions about a message: it assigns the
// message its identity, chooses a route for every recipient and hands the
// whole to the store in one durable step.
//
// Routing follows NowSMS: recipients that asked for Multimedia WAP Push keep
// that route; every other recipient is, for now, a local MM1 subscriber.
// Prefix routes to peer MMSCs (TS 23.140 MM4) come later and plug in here.
package relay
