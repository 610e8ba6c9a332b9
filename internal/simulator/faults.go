package simulator

import (
	"io"
	"net/http"
)

// The answers below are what GitHub sends in the failures the tests inject
// most often with SetFault; each test used to write its own copy.

// JSONFault answers with code and body, and headers given as name, value
// pairs; the Content-Type is JSON unless a header sets another.
func JSONFault(code int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// MissingScope is GitHub's 403 for a classic token without the scope the
// endpoint accepts: X-Accepted-OAuth-Scopes lists what it takes, X-OAuth-Scopes
// what the token has.
func MissingScope(accepted, has string) http.HandlerFunc {
	return JSONFault(http.StatusForbidden, `{"message":"Resource not accessible by personal access token"}`,
		"X-Accepted-OAuth-Scopes", accepted, "X-OAuth-Scopes", has)
}

// Gone is GitHub's 410 for a retired endpoint (the legacy billing ones).
func Gone() http.HandlerFunc {
	return JSONFault(http.StatusGone, `{"message":"This endpoint has been moved."}`)
}
