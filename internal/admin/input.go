package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBody bounds a request body: an account or a route is a few hundred
// bytes.
const maxBody = 64 << 10

// decode reads r's JSON body into v, refusing unknown fields (a typo must
// not be silently ignored) and anything after the object.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return badRequest{"bad JSON: empty body"}
		}
		return badRequest{"bad JSON: " + err.Error()}
	}
	if dec.More() {
		return badRequest{"bad JSON: more than one value"}
	}
	if dec.InputOffset() > maxBody {
		return badRequest{fmt.Sprintf("body over %d bytes", maxBody)}
	}
	return nil
}

// set copies *from into to when the field was given.
func set[T any](to *T, from *T) {
	if from != nil {
		*to = *from
	}
}
