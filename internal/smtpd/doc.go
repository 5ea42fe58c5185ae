// Package smtpd is the MM4 ingress: the SMTP listener that VASPs and peer
// MMSCs submit to, as NowSMS documents MM4 submission.
//
// It follows RFC 5321 (SMTP), RFC 4954 (AUTH) with the de-facto LOGIN
// mechanism and RFC 4616 PLAIN, RFC 3463 enhanced status codes, and the
// NowSMS dialog: "334 VXNlcm5hbWU6" / "334 UGFzc3dvcmQ6" prompts, accounts
// named by IP address, recipients "number@domain" or
// "number/TYPE=PLMN@domain" at the MMS domain or the local host name.
//
// Departures: AUTH is allowed over plain TCP (VASP links are private lines);
// greeting and success texts are go-smtp's ("220 <host> ESMTP Service Ready",
// "235 2.0.0 Authentication succeeded") where NowSMS prints "220 SMTP Ready"
// and "235 Ok" — clients read codes, not texts; a recipient domain prefixed
// "wappush." asks for Multimedia WAP Push (NowSMS's own spelling is lost).
// Lines may run to 10,000 bytes, not RFC 5321's 1,000 (some peers send
// unwrapped base64); a longer one ends the session with 500, or 554 at the
// end of DATA. Without TLS the listener checks line lengths itself, a line
// at a time, instead of go-smtp's byte-at-a-time check (linelimit.go).
//
// Connections are capped per address and in all at connect; a session
// that logs in, or whose address names an IP account, counts from then on
// against its account's cap instead of its address's (accountconns.go), so
// that one VASP's pool of sessions from one address is held to what its
// account allows. RFC 5321 sets no such caps; 421 is its reply for a
// service that must close the channel.
//
// Every error becomes a reply in exactly one place, reply.go; internal error
// text never reaches the wire.
package smtpd
