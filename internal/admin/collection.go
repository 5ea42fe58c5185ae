package admin

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// input is a request body for an item of a collection: the fields given
// (pointers, nil when left out), applied over an item.
type input[T any] interface {
	given() *string // the item's name, if the body names it
	apply(*T) error // changes the item and validates the result
}

// collection is what the API does alike for VASP accounts and routes:
// list, get, create, change (PATCH) and delete by name, each answered in
// the item's JSON shape.
type collection[T any, In input[T], Out any] struct {
	a      *Admin
	noun   string // for the log: "VASP", "route"
	path   string // of the collection, e.g. "/api/v1/vasps"
	all    func(ctx context.Context) ([]T, error)
	one    func(ctx context.Context, name string) (T, error)
	add    func(ctx context.Context, item T) error
	update func(ctx context.Context, item T) error
	remove func(ctx context.Context, name string) error
	fresh  func(name string, now time.Time) T // a new item before the body applies
	show   func(T) Out
}

// register routes the collection's endpoints on mux.
func (c collection[T, In, Out]) register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+c.path, c.list)
	mux.HandleFunc("POST "+c.path, c.create)
	mux.HandleFunc("GET "+c.path+"/{name}", c.get)
	mux.HandleFunc("PATCH "+c.path+"/{name}", c.change)
	mux.HandleFunc("DELETE "+c.path+"/{name}", c.delete)
}

func (c collection[T, In, Out]) list(w http.ResponseWriter, r *http.Request) {
	l, err := c.all(r.Context())
	if err != nil {
		c.a.fail(w, r, err)
		return
	}
	out := []Out{}
	for _, it := range l {
		out = append(out, c.show(it))
	}
	writeJSON(w, http.StatusOK, out)
}

func (c collection[T, In, Out]) get(w http.ResponseWriter, r *http.Request) {
	it, err := c.one(r.Context(), r.PathValue("name"))
	if err != nil {
		c.a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c.show(it))
}

// added makes the item in describes, for the API and the console alike.
func (c collection[T, In, Out]) added(r *http.Request, in In) (T, string, error) {
	var it T
	name := in.given()
	if name == nil || *name == "" {
		return it, "", badRequest{`"name" is required`}
	}
	it = c.fresh(*name, c.a.cfg.Now().UTC().Truncate(time.Millisecond))
	err := in.apply(&it)
	if err == nil {
		err = c.add(r.Context(), it)
	}
	if err == nil {
		c.a.log.Info("admin: "+c.noun+" added", "name", *name, "remote", r.RemoteAddr)
	}
	return it, *name, err
}

// changed applies in to the item named name, for the API and the console
// alike.
func (c collection[T, In, Out]) changed(r *http.Request, name string, in In) (T, error) {
	var it T
	if n := in.given(); n != nil && *n != name {
		return it, badRequest{"a " + c.noun + " cannot be renamed; add one under the new name"}
	}
	it, err := c.one(r.Context(), name)
	if err == nil {
		err = in.apply(&it)
	}
	if err == nil {
		err = c.update(r.Context(), it)
	}
	if err == nil {
		c.a.log.Info("admin: "+c.noun+" changed", "name", name, "remote", r.RemoteAddr)
	}
	return it, err
}

func (c collection[T, In, Out]) create(w http.ResponseWriter, r *http.Request) {
	var in In
	err := decode(r, &in)
	var it T
	var name string
	if err == nil {
		it, name, err = c.added(r, in)
	}
	if err != nil {
		c.a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", c.path+"/"+url.PathEscape(name))
	writeJSON(w, http.StatusCreated, c.show(it))
}

func (c collection[T, In, Out]) change(w http.ResponseWriter, r *http.Request) {
	var in In
	err := decode(r, &in)
	var it T
	if err == nil {
		it, err = c.changed(r, r.PathValue("name"), in)
	}
	if err != nil {
		c.a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c.show(it))
}

func (c collection[T, In, Out]) delete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := c.remove(r.Context(), name); err != nil {
		c.a.fail(w, r, err)
		return
	}
	c.a.log.Info("admin: "+c.noun+" removed", "name", name, "remote", r.RemoteAddr)
	w.WriteHeader(http.StatusNoContent)
}
