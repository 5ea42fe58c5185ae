package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The console's browser session: a cookie that says until when it holds,
// signed with the token, so that no session needs keeping and changing the
// token ends every session. Forms carry a CSRF field derived from the
// cookie, which another site can neither read nor make (SameSite=Strict
// keeps the cookie off its requests besides).
const (
	sessionCookie = "mmsc_admin"
	sessionFor    = 12 * time.Hour
)

func (a *Admin) sign(what string) string {
	m := hmac.New(sha256.New, []byte(a.cfg.Token))
	m.Write([]byte(what))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newSession is a cookie value that holds until.
func (a *Admin) newSession(until time.Time) string {
	exp := strconv.FormatInt(until.Unix(), 10)
	return exp + "." + a.sign("session "+exp)
}

// session is the request's valid session cookie value, "" if none.
func (a *Admin) session(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	exp, sig, ok := strings.Cut(c.Value, ".")
	n, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || !a.cfg.Now().Before(time.Unix(n, 0)) {
		return ""
	}
	if !hmac.Equal([]byte(sig), []byte(a.sign("session "+exp))) {
		return ""
	}
	return c.Value
}

// csrf is the form field that goes with session.
func (a *Admin) csrf(session string) string { return a.sign("csrf " + session) }

// checkForm accepts a console POST: a session, its CSRF field, and no
// foreign Origin.
func (a *Admin) checkForm(r *http.Request) bool {
	s := a.session(r)
	if s == "" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" && !strings.HasSuffix(o, "://"+r.Host) {
		return false
	}
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(a.csrf(s)))
}
