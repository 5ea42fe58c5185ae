package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strings"
)

// tokenAccount is the name wrong tokens are counted under in the throttle.
const tokenAccount = "admin token"

// admitToken decides a token r carries, for the API and the console's
// login alike. A wrong one is counted per address; an address locked out
// is refused (locked) without its token being counted again, unless the
// token is right: guessing a 256-bit token is hopeless, so the lock only
// spares the log and the CPU, and must never keep the operator out.
func (a *Admin) admitToken(r *http.Request, token string) (ok, locked bool) {
	want := sha256.Sum256([]byte(a.cfg.Token))
	got := sha256.Sum256([]byte(token))
	if a.cfg.Token != "" && subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
		return true, false
	}
	ip := remoteIP(r)
	if a.cfg.Throttle.Locked(ip, tokenAccount) {
		return false, true
	}
	a.cfg.Throttle.Fail(ip, tokenAccount)
	return false, false
}

// authorized lets through requests that carry the token (admitToken).
func (a *Admin) authorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, given := bearer(r)
		ok, locked := a.admitToken(r, got)
		switch {
		case ok && given:
			next.ServeHTTP(w, r)
			return
		case locked:
			w.Header().Set("Retry-After", "60")
			writeError(w, http.StatusTooManyRequests, "too many requests with a wrong token from this address; try again in a minute")
			return
		}
		reason := "missing token"
		if given {
			reason = "wrong token"
		}
		a.log.Warn("admin: request refused", "remote", r.RemoteAddr, "path", r.URL.Path, "reason", reason)
		w.Header().Set("WWW-Authenticate", `Bearer realm="mmsc"`)
		writeError(w, http.StatusUnauthorized, reason+`: send "Authorization: Bearer <token>"; the token is [admin] token, or the file the server named at start`)
	})
}

// bearer is the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func remoteIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
