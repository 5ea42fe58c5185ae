package mms

import (
	"net/url"
	"strings"
)

// PageURL is the link to the web page of the Multimedia WAP Push recipient
// with token: what the push announces and what the web side serves, so the
// two cannot disagree. publicURL is the MMSC's public base URL, as for MM1,
// with or without a trailing slash.
func PageURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/w/" + url.PathEscape(token)
}
