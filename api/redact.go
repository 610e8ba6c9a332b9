package api

import (
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces a secret in any text the exporter shows.
const Redacted = "[REDACTED]"

// minSecretLen: a credential shorter than this is not searched for as a
// literal, so that a test token such as "x" cannot blank out every x of a
// message; the token patterns still apply.
const minSecretLen = 6

// tokenShapes are the formats of GitHub's and GitLab's credentials:
// ghp_ (classic), gho_, ghu_, ghs_ (App installation), ghr_, github_pat_
// (fine-grained); glpat- and GitLab's other gl…- prefixes; and a JWT (a
// GitHub App's signed assertion).
// docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
// docs.gitlab.com/security/tokens/#token-prefixes
// The lengths are below the real ones (36 characters after ghp_, 20 after
// glpat-) but long enough that a name such as "global-settings" is left
// alone: a label value that matched would cost its series.
var tokenShapes = regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,}|gl(?:pat|oas|dt|rt|rtr|cbt|ptt|ft|imt|agent|soat|ffct|wt)-[A-Za-z0-9_\-]{16,}|eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*)`)

// authValues are credentials as an Authorization header carries them
// ("Bearer …", "token …", "Basic …", "PRIVATE-TOKEN: …"), echoed by an API
// or a proxy.
var authValues = regexp.MustCompile(`(?i)\b(bearer|token|basic|private-token)(\s*[:=]\s*|\s+)([A-Za-z0-9._~+/=\-]+)`)

// Redact removes secret (the credential that was sent) and anything shaped
// like a token from s, a text an API or a proxy provided (a message, a
// header, an address), before it reaches a log line, an error, the status
// page, check or a metric.
func Redact(s, secret string) string {
	if s == "" {
		return s
	}
	if len(secret) >= minSecretLen {
		s = strings.ReplaceAll(s, secret, Redacted)
	}
	s = tokenShapes.ReplaceAllString(s, Redacted)
	return authValues.ReplaceAllStringFunc(s, func(m string) string {
		sub := authValues.FindStringSubmatch(m)
		v := sub[3]
		// After "Bearer" comes a credential; after the words "token" and
		// "basic", only a value that looks like one (long, or with a digit
		// or base64's padding), so that "the token access" or "basic
		// authentication" is left as written.
		if !strings.EqualFold(sub[1], "bearer") && (len(v) < 8 || len(v) < 16 && !strings.ContainsAny(v, "0123456789=+/")) {
			return m
		}
		return sub[1] + sub[2] + Redacted
	})
}

// redactedError shows a wrapped error's text with secrets removed, while
// errors.Is and errors.As still see the original (a reset connection, a
// certificate error).
type redactedError struct {
	err  error
	text string
}

func (r *redactedError) Error() string { return r.text }
func (r *redactedError) Unwrap() error { return r.err }

// RedactError is err with its text redacted; err itself when nothing was.
func RedactError(err error, secret string) error {
	if err == nil {
		return nil
	}
	if t := Redact(err.Error(), secret); t != err.Error() {
		return &redactedError{err: err, text: t}
	}
	return err
}

// redact removes secret and token shapes from every text of e that came
// from the API, a proxy or the network.
func (e *Error) redact(secret string) {
	e.Path = Redact(e.Path, secret)
	e.Message = cut(Redact(e.Message, secret))
	e.Hint = Redact(e.Hint, secret)
	e.AcceptedScopes = Redact(e.AcceptedScopes, secret)
	e.TokenScopes = Redact(e.TokenScopes, secret)
	e.AcceptedPermissions = Redact(e.AcceptedPermissions, secret)
	if e.SSO != nil {
		sso := *e.SSO
		sso.URL = Redact(sso.URL, secret)
		if strings.Contains(sso.URL, Redacted) {
			sso.URL = "" // a link with a hole in it is no link
		}
		orgs := make([]string, len(sso.Organizations))
		for i, o := range sso.Organizations {
			orgs[i] = Redact(o, secret)
		}
		sso.Organizations = orgs
		e.SSO = &sso
	}
	e.Err = RedactError(e.Err, secret)
}

// sent holds the credential each live client last sent, so that RedactSent
// can clean a line that names no target (the process's log).
var sent struct {
	mu sync.RWMutex
	by map[*Client]string
}

func noteSent(c *Client, token string) {
	sent.mu.Lock()
	defer sent.mu.Unlock()
	if token == "" {
		delete(sent.by, c)
		return
	}
	if sent.by == nil {
		sent.by = map[*Client]string{}
	}
	sent.by[c] = token
}

// RedactSent is Redact for every credential the process's clients have
// sent: the last guard of the log, whatever a line holds.
func RedactSent(s string) string {
	sent.mu.RLock()
	defer sent.mu.RUnlock()
	for _, secret := range sent.by {
		s = Redact(s, secret)
	}
	return Redact(s, "")
}
