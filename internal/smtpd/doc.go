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
// end of DATA. The listener checks line lengths itself, a line at a time,
// instead of go-smtp's byte-at-a-time check (linelimit.go).
//
// TLS is layered below go-smtp, not above it: the listener does the server
// side of implicit TLS (ServeTLS) and of STARTTLS (RFC 3207) in the
// connection it hands go-smtp (conn.go, starttls.go), and go-smtp, given no
// TLS configuration, sees plain text on every transport. So go-smtp's
// replies can be corrected as they are written on every transport: a
// command out of order is 503 (RFC 5321 §4.2.4) where go-smtp says 502, and
// undecodable AUTH base64 501 5.5.2 (RFC 4954 §4) where it says 454, and
// likewise for the few others sequence.go lists; and the stop's 421 goes
// through TLS (drain.go), right after the reply of a session that had a
// command in hand (go-smtp's Shutdown waits for sessions and tells them
// nothing).
//
// The message after DATA is read by the connection, in large reads, where
// it can tell go-smtp holds none of it (datapath.go); go-smtp's
// byte-at-a-time reader reads it otherwise. One difference shows: a
// message of exactly the size limit is taken (RFC 1870 §4), where go-smtp's
// reader refuses it. Where this
// departs from go-smtp's own STARTTLS: an argument is refused (501), and so
// is STARTTLS after AUTH or MAIL (503) — go-smtp's session lives on across
// the handshake, so that is how nothing said in the clear counts as said
// under TLS (RFC 3207 §4.2); bytes sent after STARTTLS in the clear are
// discarded; a failed handshake closes the connection where go-smtp answered
// 550; and go-smtp's Conn.TLSConnectionState no longer reports TLS.
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
