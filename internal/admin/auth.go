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

// authorized lets through requests that carry the token. Wrong tokens are
// counted per address; once an address is locked out it is answered 429
// without a look at its token, unless the token is right: guessing a
// 256-bit token is hopeless, so the lock only spares the log and the CPU,
// and must never keep the operator out.
func (a *Admin) authorized(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(a.cfg.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearer(r)
		sum := sha256.Sum256([]byte(got))
		if ok && a.cfg.Token != "" && subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		ip := remoteIP(r)
		if a.cfg.Throttle.Locked(ip, tokenAccount) {
			w.Header().Set("Retry-After", "60")
			writeError(w, http.StatusTooManyRequests, "too many requests with a wrong token from this address; try again in a minute")
			return
		}
		a.cfg.Throttle.Fail(ip, tokenAccount)
		reason := "missing token"
		if ok {
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
