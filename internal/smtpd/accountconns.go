package smtpd

import "github.com/mmsc-project/mmsc/internal/vasp"

// countAgainst counts the session's connection against a's limit from now
// on, instead of its address's: a has logged in, or the address names it.
// Its error, when a has as many sessions as it may, is the reply, after
// which the connection closes.
func (ss *session) countAgainst(a vasp.Account) error {
	tc := tracked(ss.conn.Conn())
	if tc == nil {
		return nil // not from our listener: nothing counts it
	}
	limit := a.MaxConnections
	if limit == 0 {
		limit = ss.srv.cfg.MaxConnsPerAccount
	}
	if tc.countAgainst(a.Name, limit) {
		return nil
	}
	ss.srv.log.Warn("connection refused: the account has its sessions", "remote", ss.remote, "account", a.Name, "max", limit)
	closeAfterReply(ss.conn.Conn())
	return ss.srv.refused(reply(errAccountConns))
}
