package admin

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// The web console: server-rendered pages over the same backend as the API,
// with no script at all and nothing from another origin (the CSP says so),
// every value escaped by html/template.

//go:embed console/pages.html console/console.css
var consoleFiles embed.FS

var pages = template.Must(template.ParseFS(consoleFiles, "console/pages.html"))

// consoleCSP lets the pages use their own stylesheet and forms, and
// nothing else: no script, no frame, no other origin.
const consoleCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// page is what every template gets; the rest is per page.
type page struct {
	Title, CSRF, Error, Flash string
}

// keyed is one row of a count table.
type keyed struct {
	Key string
	N   int
}

func (a *Admin) registerConsole(mux *http.ServeMux) {
	mux.HandleFunc("GET /console.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
		b, _ := consoleFiles.ReadFile("console/console.css")
		w.Write(b)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		a.render(w, http.StatusOK, "login", struct{ page }{page{Title: "Log in"}})
	})
	mux.HandleFunc("POST /login", a.login)
	in := http.NewServeMux()
	in.HandleFunc("GET /{$}", a.dashboard)
	in.HandleFunc("GET /messages", a.consoleMessages)
	in.HandleFunc("GET /messages/{id}", a.consoleMessage)
	in.HandleFunc("POST /messages/{id}/recipients/{address}/{act}", a.consoleRecipient)
	in.HandleFunc("GET /vasps", a.consoleVASPs)
	in.HandleFunc("POST /vasps", a.consoleAddVASP)
	in.HandleFunc("GET /vasps/{name}", a.consoleVASP)
	in.HandleFunc("POST /vasps/{name}", a.consoleChangeVASP)
	in.HandleFunc("POST /vasps/{name}/delete", a.consoleDelete(a.vasps().remove, "/vasps"))
	in.HandleFunc("GET /routes", a.consoleRoutes)
	in.HandleFunc("POST /routes", a.consoleAddRoute)
	in.HandleFunc("POST /routes/{name}/delete", a.consoleDelete(a.routes().remove, "/routes"))
	in.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	mux.Handle("/", a.loggedIn(in))
}

// loggedIn sends a browser without a session to the login page, and
// refuses a POST without the session's CSRF field.
func (a *Admin) loggedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.session(r) == "" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !a.checkForm(r) {
			http.Error(w, "This form has expired or came from another site; reload the page and try again.", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *Admin) login(w http.ResponseWriter, r *http.Request) {
	if ok, locked := a.admitToken(r, strings.TrimSpace(r.PostFormValue("token"))); !ok {
		status, msg := http.StatusUnauthorized, "That is not the admin token."
		if locked {
			status, msg = http.StatusTooManyRequests, "Too many wrong tokens from this address; wait a minute."
		}
		a.log.Warn("admin: console login refused", "remote", r.RemoteAddr)
		a.render(w, status, "login", struct{ page }{page{Title: "Log in", Error: msg}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: a.newSession(a.cfg.Now().Add(sessionFor)), Path: "/",
		MaxAge: int(sessionFor.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	a.log.Info("admin: console login", "remote", r.RemoteAddr)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// render writes template name with data, and the headers every page has.
func (a *Admin) render(w http.ResponseWriter, status int, name string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		a.log.Error("admin: console page", "page", name, "err", err)
	}
}

// base is the page header for r's session.
func (a *Admin) base(r *http.Request, title string) page {
	return page{Title: title, CSRF: a.csrf(a.session(r)), Flash: r.URL.Query().Get("done")}
}

// consoleFail shows err on a page of its own, in the API's words.
func (a *Admin) consoleFail(w http.ResponseWriter, r *http.Request, err error) {
	status, reason := a.classify(r, err)
	p := a.base(r, http.StatusText(status))
	p.Flash, p.Error = "", reason
	a.render(w, status, "error", struct{ page }{p})
}

func (a *Admin) dashboard(w http.ResponseWriter, r *http.Request) {
	st, err := a.b.Messages.Stats(r.Context(), a.cfg.Now())
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	data := struct {
		page
		Stats              mms.Stats
		SMSCUp             bool
		Queue              int
		States, Interfaces []keyed
	}{page: a.base(r, "Dashboard"), Stats: st}
	if a.b.SMSC != nil {
		data.SMSCUp = a.b.SMSC()
	}
	for s, n := range st.Recipients {
		data.States = append(data.States, keyed{string(s), n})
		if !s.Final() {
			data.Queue += n
		}
	}
	for i, n := range st.Messages {
		data.Interfaces = append(data.Interfaces, keyed{string(i), n})
	}
	byKey := func(x, y keyed) int { return cmp.Compare(x.Key, y.Key) }
	slices.SortFunc(data.States, byKey)
	slices.SortFunc(data.Interfaces, byKey)
	a.render(w, http.StatusOK, "dashboard", data)
}

func (a *Admin) consoleMessages(w http.ResponseWriter, r *http.Request) {
	q, err := messageQuery(r)
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	found, err := a.b.Messages.FindMessages(r.Context(), q)
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	data := struct {
		page
		Query      mms.MessageQuery
		QueryState mms.State
		States     []mms.State
		Messages   []Message
		Next       string
	}{page: a.base(r, "Messages"), Query: q, QueryState: q.State, States: states}
	for _, s := range found {
		data.Messages = append(data.Messages, MessageOf(s, nil))
	}
	if len(found) == q.Limit {
		v := r.URL.Query()
		v.Set("cursor", cursor(found[len(found)-1]))
		data.Next = "/messages?" + v.Encode()
	}
	a.render(w, http.StatusOK, "messages", data)
}

func (a *Admin) consoleMessage(w http.ResponseWriter, r *http.Request) {
	m, err := a.whole(r)
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, "message", struct {
		page
		M Message
	}{a.base(r, "Message "+m.ID), m})
}

func (a *Admin) consoleRecipient(w http.ResponseWriter, r *http.Request) {
	id, address := mms.MessageID(r.PathValue("id")), r.PathValue("address")
	var err error
	switch r.PathValue("act") {
	case "resend":
		err = a.b.Recipients.Resend(r.Context(), id, address)
	case "cancel":
		err = a.b.Recipients.CancelRecipient(r.Context(), id, address)
	default:
		err = mms.ErrNotFound
	}
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.redirect(w, r, "/messages/"+url.PathEscape(string(id)), r.PathValue("act")+" "+address)
}

// redirect sends the browser to path after a change, saying what was done.
func (a *Admin) redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	http.Redirect(w, r, path+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

func (a *Admin) consoleVASPs(w http.ResponseWriter, r *http.Request) {
	l, err := a.b.Accounts.Accounts(r.Context())
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	data := struct {
		page
		VASPs []VASP
	}{page: a.base(r, "VASP accounts")}
	for _, acc := range l {
		data.VASPs = append(data.VASPs, VASPOf(acc))
	}
	a.render(w, http.StatusOK, "vasps", data)
}

func (a *Admin) consoleVASP(w http.ResponseWriter, r *http.Request) {
	acc, err := a.b.Accounts.Account(r.Context(), r.PathValue("name"))
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, "vasp", struct {
		page
		V VASP
	}{a.base(r, "VASP "+acc.Name), VASPOf(acc)})
}

// vaspForm reads an account form: every field it has is given, except an
// empty password, which keeps the one there is.
func vaspForm(r *http.Request) (vaspInput, error) {
	var in vaspInput
	str := func(k string) *string {
		if _, ok := r.PostForm[k]; !ok {
			return nil
		}
		v := strings.TrimSpace(r.PostFormValue(k))
		return &v
	}
	in.Name, in.AllowIP, in.Sender, in.ReportTo, in.MM7URL = str("name"), str("allow_ip"), str("sender"), str("report_to"), str("mm7_url")
	if p := r.PostFormValue("password"); p != "" {
		in.Password = &p
	}
	var err error
	if in.MaxRate, err = count(str("max_rate"), "max rate: want a whole number of messages a second, 0 for no limit"); err != nil {
		return in, err
	}
	if in.MaxConnections, err = count(str("max_connections"), "max connections: want a whole number of sessions, 0 for the server's default"); err != nil {
		return in, err
	}
	return in, nil
}

// count reads a form's whole number, 0 when left empty; nil when the form
// has no such field. A number it cannot read is invalid, as problem says.
func count(s *string, problem string) (*int, error) {
	if s == nil {
		return nil, nil
	}
	n := 0
	if *s != "" {
		var err error
		if n, err = strconv.Atoi(*s); err != nil || n < 0 {
			return nil, invalid{errors.New(problem)}
		}
	}
	return &n, nil
}

func (a *Admin) consoleAddVASP(w http.ResponseWriter, r *http.Request) {
	in, err := vaspForm(r)
	var name string
	if err == nil {
		_, name, err = a.vasps().added(r, in)
	}
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.redirect(w, r, "/vasps", "added "+name)
}

func (a *Admin) consoleChangeVASP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	in, err := vaspForm(r)
	if err == nil {
		in.Name = nil
		_, err = a.vasps().changed(r, name, in)
	}
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.redirect(w, r, "/vasps", "saved "+name)
}

func (a *Admin) consoleRoutes(w http.ResponseWriter, r *http.Request) {
	t, err := a.b.Routes.Routes(r.Context())
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	data := struct {
		page
		Routes []Route
	}{page: a.base(r, "Routes")}
	for _, rt := range t {
		data.Routes = append(data.Routes, RouteOf(rt))
	}
	a.render(w, http.StatusOK, "routes", data)
}

func (a *Admin) consoleAddRoute(w http.ResponseWriter, r *http.Request) {
	var in routeInput
	str := func(k string) *string {
		v := strings.TrimSpace(r.PostFormValue(k))
		return &v
	}
	def := r.PostFormValue("default") == "true"
	in.Name, in.Kind, in.Match, in.Host, in.Domain, in.VASP, in.Default = str("name"), str("kind"), str("match"), str("host"), str("domain"), str("vasp"), &def
	_, name, err := a.routes().added(r, in)
	if err != nil {
		a.consoleFail(w, r, err)
		return
	}
	a.redirect(w, r, "/routes", "added "+name)
}

// consoleDelete removes the item the path names and goes back to list.
func (a *Admin) consoleDelete(remove func(ctx context.Context, name string) error, list string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if err := remove(r.Context(), name); err != nil {
			a.consoleFail(w, r, err)
			return
		}
		a.log.Info("admin: removed", "what", list, "name", name, "remote", r.RemoteAddr)
		a.redirect(w, r, list, "deleted "+name)
	}
}
