package route

import (
	"strings"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// Table is a set of routes to choose from.
type Table []Route

// Pick returns the route for number: the route with the most specific
// matching mask (the longest text before its first "*", then the longest
// mask, then the name, so that the answer never depends on order), else
// the default route, else false.
func (t Table) Pick(number string) (Route, bool) {
	best, bestScore, found := Route{}, score{}, false
	for _, r := range t {
		for _, m := range r.Match {
			if !(mms.Masks{m}).Match(number) {
				continue
			}
			s := score{literal: literalPrefix(m), length: len(m), name: r.Name}
			if !found || s.beats(bestScore) {
				best, bestScore, found = r, s, true
			}
		}
	}
	if found {
		return best, true
	}
	for _, r := range t {
		if r.Default {
			return r, true
		}
	}
	return Route{}, false
}

type score struct {
	literal, length int
	name            string
}

func (s score) beats(o score) bool {
	if s.literal != o.literal {
		return s.literal > o.literal
	}
	if s.length != o.length {
		return s.length > o.length
	}
	return s.name < o.name
}

// literalPrefix is how many characters of mask come before its first "*".
func literalPrefix(mask string) int {
	if i := strings.IndexByte(mask, '*'); i >= 0 {
		return i
	}
	return len(mask)
}
