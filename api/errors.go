package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind classifies an API failure by what the user should do about it.
type Kind int

// The kinds of failure. Their order has no meaning.
const (
	KindUnknown     Kind = iota
	KindAuth             // 401: token wrong, expired or revoked
	KindPermission       // 403: token lacks a scope or permission
	KindNotFound         // 404
	KindGone             // 410: endpoint retired
	KindRateLimit        // primary or secondary rate limit
	KindServer           // 5xx
	KindBadResponse      // not JSON, truncated, HTML, too large
	KindNetwork          // connection refused, reset, DNS
	KindTimeout          // request took longer than its deadline
	KindRefused          // the exporter refused to send (redirect, insecure)
	KindClient           // any other 4xx
)

var kindNames = map[Kind]string{
	KindUnknown: "unknown", KindAuth: "unauthorized", KindPermission: "forbidden",
	KindNotFound: "not_found", KindGone: "gone", KindRateLimit: "rate_limited",
	KindServer: "server_error", KindBadResponse: "bad_response", KindNetwork: "network",
	KindTimeout: "timeout", KindRefused: "refused", KindClient: "client_error",
}

func (k Kind) String() string { return kindNames[k] }

// Error is a failed API request, classified, with the facts that say why:
// the status, the API's message, the scopes GitHub's headers named, SSO, an
// HTML page, a proxy. It holds facts only: what to do about them is said in
// words by collector.Explain alone, so that a log line says the fix once.
// It never holds the token or the query string.
type Error struct {
	Kind   Kind
	Method string
	Path   string
	Status int
	// Message is the API's own message, shortened and redacted.
	Message string
	// Hint is the exporter's own account of what happened where no status
	// says it (an answer too large, a redirect refused, no answer within
	// 30s): a fact, never advice.
	Hint string
	// AcceptedScopes, TokenScopes and AcceptedPermissions are what GitHub's
	// headers said on a 403: the classic scopes the endpoint accepts, those
	// the token has, and the fine-grained permissions it accepts.
	AcceptedScopes, TokenScopes, AcceptedPermissions string
	// SSO is set when GitHub said the credential needs SAML SSO
	// authorization (403 with X-GitHub-SSO or GitHub's SSO message).
	SSO *SSO
	// HTML is set when the answer was an HTML page: not the API.
	HTML bool
	// NotAPI is set on a 404 that has none of the API's marks (a JSON
	// message, the vendor's request id header): a web server or proxy
	// answered, so the path's slug is not what is wrong.
	NotAPI bool
	// ProxyAuth is set when a proxy answered 407.
	ProxyAuth bool
	// OtherHost is the host a redirect or a link pointed to, when it was
	// not api_url's (the request was refused).
	OtherHost string
	// TokenUnusable is set when the credential holds a byte that an HTTP
	// header cannot carry (NUL, CR, LF, another control character), so it
	// was never sent.
	TokenUnusable bool
	// RetryAt, when set, is the earliest time a retry can succeed.
	RetryAt time.Time
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method + " " + e.Path + ": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " (%q)", e.Message)
	}
	if e.AcceptedScopes != "" || e.AcceptedPermissions != "" {
		fmt.Fprintf(&b, " (accepted scopes %q, token scopes %q, accepted permissions %q)", e.AcceptedScopes, e.TokenScopes, e.AcceptedPermissions)
	}
	if !e.RetryAt.IsZero() {
		b.WriteString(" (retry after " + e.RetryAt.UTC().Format(time.RFC3339) + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(": " + e.Hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is an API error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// classify turns a non-2xx answer into an *Error. body is at most a few KiB.
func classify(flavor Flavor, method, path string, resp *http.Response, body []byte, now time.Time) *Error {
	e := &Error{Method: method, Path: path, Status: resp.StatusCode, Message: apiMessage(resp, body)}
	h := resp.Header
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		e.Kind = KindAuth
	case code == http.StatusTooManyRequests || (code == http.StatusForbidden && isRateLimited(h, e.Message)):
		e.Kind = KindRateLimit
		e.RetryAt = retryAt(h, now)
	case code == http.StatusForbidden:
		e.Kind = KindPermission
		if flavor == GitHub {
			e.AcceptedScopes = strings.TrimSpace(h.Get("X-Accepted-OAuth-Scopes"))
			e.TokenScopes = strings.TrimSpace(h.Get("X-OAuth-Scopes"))
			e.AcceptedPermissions = strings.TrimSpace(h.Get("X-Accepted-GitHub-Permissions"))
		}
	case code == http.StatusNotFound:
		// Which role a resource needs is the collector's to say (its
		// spec's Needs, through collector.Explain), not the client's.
		e.Kind = KindNotFound
	case code == http.StatusGone:
		e.Kind = KindGone
	case code >= 500:
		e.Kind = KindServer
		if h.Get("Retry-After") != "" { // 503 during maintenance, say
			e.RetryAt = retryAt(h, now)
		}
	default:
		e.Kind = KindClient
	}
	if isHTML(resp.Header) || looksHTML(body) {
		e.HTML = true
		e.Message = "an HTML page"
	}
	if e.Kind == KindNotFound && !e.HTML && e.Message == "" && h.Get(requestIDHeader(flavor)) == "" {
		e.NotAPI = true
		e.Hint = "not found, and the answer is not the API's (no JSON message, no " + requestIDHeader(flavor) + "): check api_url"
	}
	e.classifyTransport(flavor, h)
	return e
}

// requestIDHeader is the header every answer of the vendor's API carries:
// GitHub's (github.com, GHE.com and Enterprise Server) and GitLab's.
func requestIDHeader(flavor Flavor) string {
	if flavor == GitLab {
		return "X-Gitlab-Meta"
	}
	return "X-GitHub-Request-Id"
}

func isRateLimited(h http.Header, msg string) bool {
	if h.Get("Retry-After") != "" || h.Get("X-RateLimit-Remaining") == "0" {
		return true
	}
	return strings.Contains(strings.ToLower(msg), "rate limit")
}

// maxRetryWait bounds a wait the API asks for: a primary window is an hour,
// so a bogus Retry-After or reset far in the future cannot silence the
// exporter for longer.
const maxRetryWait = time.Hour

// retryAt reads Retry-After (seconds or a date), then the rate-limit reset.
// GitHub asks clients to wait at least a minute after a secondary rate limit
// that names no time.
func retryAt(h http.Header, now time.Time) time.Time {
	return capWait(rawRetryAt(h, now), now)
}

func capWait(t, now time.Time) time.Time {
	if t.Sub(now) > maxRetryWait {
		return now.Add(maxRetryWait)
	}
	return t
}

func rawRetryAt(h http.Header, now time.Time) time.Time {
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if secs, err := strconv.ParseUint(ra, 10, 64); err == nil {
			return now.Add(time.Duration(min(secs, uint64(maxRetryWait/time.Second))) * time.Second)
		}
		if t, err := http.ParseTime(ra); err == nil {
			return t
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseUint(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && reset > 0 && reset < 1<<40 {
			if t := time.Unix(int64(reset), 0); t.After(now) {
				return t
			}
		}
	}
	return now.Add(time.Minute)
}

// apiMessage takes the "message" (GitHub) or "message"/"error" (GitLab) field
// of an error body, shortened so that a huge page cannot flood the logs.
func apiMessage(resp *http.Response, body []byte) string {
	var m struct {
		Message json.RawMessage `json:"message"`
		Error   String          `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	var s String
	_ = s.UnmarshalJSON(m.Message)
	msg := string(s)
	if msg == "" && len(m.Message) > 0 && m.Message[0] != '"' {
		msg = string(m.Message)
	}
	if msg == "" {
		msg = string(m.Error)
	}
	// Bounded here for memory only: the message is cut to what is shown
	// after redaction (Error.redact), since a token cut in two would no
	// longer be recognised and part of it would be shown.
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 4<<10 {
		msg = msg[:4<<10]
	}
	return msg
}

// shownMessage is the longest API message an error shows.
const shownMessage = 200

// cut shortens an API message to shownMessage bytes.
func cut(msg string) string {
	if len(msg) > shownMessage {
		return msg[:shownMessage] + "…"
	}
	return msg
}

// looksHTML sniffs an error body for a page that came without an HTML
// Content-Type (some proxies and login pages send none, or text/plain).
func looksHTML(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n\f\ufeff")
	for _, p := range []string{"<!doctype", "<html"} {
		if len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p) {
			return true
		}
	}
	return false
}

func isHTML(h http.Header) bool {
	return strings.Contains(strings.ToLower(h.Get("Content-Type")), "html")
}
