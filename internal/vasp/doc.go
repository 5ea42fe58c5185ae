// Package vasp holds what the MMSC knows about a value-added service
// provider's account: how it proves who it is (a password, or the IP address
// it connects from) and what it may do (log in only from listed addresses,
// send only as listed senders).
//
// It follows the NowSMS "MMSC VASP" account model: an Account Name that is an
// IP address identifies every connection from that address; IP Address
// Restrictions are comma-separated with "*" as a wildcard octet. It departs by
// also accepting CIDR prefixes in the restriction list, and by storing
// passwords only as bcrypt hashes. NowSMS says nothing of failed logins;
// Gate counts them per address and account, so that a guesser cannot lock
// an owner out, and per address over accounts, to stop a spray.
package vasp
