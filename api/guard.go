package api

import (
	"net/http"
	"regexp"
)

// appTokenPath is the only path the exporter ever POSTs to: GitHub's
// exchange of an App's JWT for an installation token.
var appTokenPath = regexp.MustCompile(`/app/installations/[0-9]+/access_tokens$`)

// guard is the innermost transport. Whatever code above it set, it sends
// credentials only to the API's own host and scheme (no downgrade from
// https to http on a redirect) and sends nothing but GET (and the
// App token exchange). It is defence in depth behind checkRedirect.
type guard struct {
	next   http.RoundTripper
	host   string
	scheme string
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && !(req.Method == http.MethodPost && appTokenPath.MatchString(req.URL.Path)) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &Error{Kind: KindRefused, Method: req.Method, Path: req.URL.Path, Hint: "the exporter only reads: it sends GET requests only"}
	}
	if req.URL.Host != g.host || req.URL.Scheme != g.scheme {
		req = req.Clone(req.Context())
		for _, h := range []string{"Authorization", "Private-Token", "Cookie"} {
			req.Header.Del(h)
		}
	}
	return g.next.RoundTrip(req)
}
