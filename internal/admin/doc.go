// Package admin is the operator's edge: a JSON API under /api/v1/, a web
// console at /, and health, on a listener of its own (never the one
// handsets and VASPs reach), behind a bearer token (RFC 6750 §2.1) that the
// console's login page trades for a signed, SameSite=Strict session cookie
// (its forms carry a CSRF field besides).
//
// It follows no MMS specification. Its JSON shapes are the ones `mmsc ...
// -json` prints, defined here once (shapes.go). Every answer that is not a
// success is {"error": "..."} with the status that fits: 400 for a request
// that cannot be read, 401 without the token, 404 for an unknown name or
// ID, 409 for a clash with what is there (mms.ErrConflict), 422 for a
// well-formed request the domain refuses (an invalid account or route),
// 429 after too many wrong tokens from one address, 500 for trouble,
// which is logged and not shown.
package admin
