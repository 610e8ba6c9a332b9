package api

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// SSO is what GitHub's X-GitHub-SSO header says about SAML single sign-on:
// either the credential must be authorized for an organization's or
// enterprise's SSO (Required, with the URL that authorizes it, valid for an
// hour), or an answer left out the organizations listed (partial results).
// docs.github.com/en/rest/authentication/authenticating-to-the-rest-api
// ("Personal access tokens (classic)" and SAML SSO).
type SSO struct {
	Required      bool
	URL           string
	Organizations []string // IDs, for partial-results
}

// ParseSSO reads X-GitHub-SSO: `required; url=https://…` or
// `partial-results; organizations=21955855,20582480`. nil when absent.
func ParseSSO(h http.Header) *SSO {
	v := strings.TrimSpace(h.Get("X-GitHub-SSO"))
	if v == "" {
		return nil
	}
	s := &SSO{}
	for i, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		key, val, _ := strings.Cut(part, "=")
		switch {
		case i == 0 && strings.EqualFold(part, "required"):
			s.Required = true
		case strings.EqualFold(key, "url"):
			// Only a web address: it is shown to people and must not become
			// a javascript: link or carry a newline into a log line.
			if u := strings.TrimSpace(val); strings.HasPrefix(u, "https://") && !strings.ContainsAny(u, " \t\r\n\"<>") {
				s.URL = u
			}
		case strings.EqualFold(key, "organizations"):
			for _, o := range strings.Split(val, ",") {
				// GitHub names organizations by numeric ID; anything else
				// is not shown (it could carry any text, a token even).
				if o = strings.TrimSpace(o); o != "" && strings.Trim(o, "0123456789") == "" {
					s.Organizations = append(s.Organizations, o)
				}
			}
		}
	}
	return s
}

// isSSOMessage recognises GitHub's message when the header is missing
// (a proxy may drop it): "Resource protected by organization SAML
// enforcement. You must grant your Personal Access token access to this
// organization." (or "enterprise SAML enforcement").
func isSSOMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "saml enforcement") || strings.Contains(m, "saml sso")
}

// classifyTransport marks what a non-2xx answer says about the path to the
// API rather than the API: SSO, an HTML page, a proxy asking for
// credentials. It runs after classify has set the kind.
func (e *Error) classifyTransport(flavor Flavor, h http.Header) {
	if flavor == GitHub {
		if sso := ParseSSO(h); sso != nil && (sso.Required || e.Status == http.StatusForbidden) {
			e.SSO = sso
		} else if e.Status == http.StatusForbidden && isSSOMessage(e.Message) {
			e.SSO = &SSO{Required: true}
		}
	}
	if e.Status == http.StatusProxyAuthRequired {
		// The configuration is not known here: collector.Explain says
		// whether configured credentials were rejected or none were given.
		e.ProxyAuth = true
	}
	if isHTML(h) {
		e.HTML = true
	}
}

// UnknownAuthority reports whether the request failed because the server's
// certificate is signed by a CA the exporter does not trust (an internal
// CA, or a proxy that intercepts TLS).
func (e *Error) UnknownAuthority() bool {
	var ua x509.UnknownAuthorityError
	if errors.As(e.Err, &ua) {
		return true
	}
	var cv *tls.CertificateVerificationError
	if errors.As(e.Err, &cv) {
		return errors.As(cv.Err, &ua)
	}
	return e.Err != nil && strings.Contains(e.Err.Error(), "certificate signed by unknown authority")
}

// CertificateProblem names any other certificate failure: a name that does
// not match, an expired certificate. Empty when there is none.
func (e *Error) CertificateProblem() string {
	var hn x509.HostnameError
	var inv x509.CertificateInvalidError
	switch {
	case errors.As(e.Err, &hn):
		return hn.Error()
	case errors.As(e.Err, &inv):
		return inv.Error()
	}
	return ""
}

// ConnectionReset reports whether the API, or a proxy or firewall in
// between, reset the connection (ECONNRESET).
func (e *Error) ConnectionReset() bool {
	return errors.Is(e.Err, syscall.ECONNRESET) || (e.Err != nil && strings.Contains(e.Err.Error(), "connection reset by peer"))
}

// ConnectionRefused reports whether nothing listened at the address (ECONNREFUSED).
func (e *Error) ConnectionRefused() bool {
	return errors.Is(e.Err, syscall.ECONNREFUSED)
}

// DNS is the name that did not resolve, if that is why the request failed.
func (e *Error) DNS() string {
	var de *net.DNSError
	if errors.As(e.Err, &de) {
		return de.Name
	}
	return ""
}

// ProxyRefused reports whether a proxy refused the tunnel for lack of
// credentials: net/http turns a 407 to CONNECT into an error, not an answer.
func (e *Error) ProxyRefused() bool {
	return e.ProxyAuth || (e.Err != nil && strings.Contains(e.Err.Error(), "Proxy Authentication Required"))
}

// ssoPartial remembers, per path, the organizations GitHub left out of a
// successful answer for lack of SSO authorization (X-GitHub-SSO:
// partial-results): the data is served, but it is incomplete, and a person
// should know. A later answer without the header clears the path.
type ssoPartial struct {
	mu     sync.Mutex
	byPath map[string][]string
}

func (s *ssoPartial) note(path string, h http.Header) {
	sso := ParseSSO(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sso == nil || sso.Required || len(sso.Organizations) == 0 {
		delete(s.byPath, path)
		return
	}
	if s.byPath == nil {
		s.byPath = map[string][]string{}
	}
	s.byPath[path] = sso.Organizations
}

// SSOPartialOrganizations lists, sorted and once each, the organization IDs
// GitHub's last answers left out for lack of SSO authorization.
func (c *Client) SSOPartialOrganizations() []string {
	c.partial.mu.Lock()
	defer c.partial.mu.Unlock()
	var out []string
	for _, orgs := range c.partial.byPath {
		out = append(out, orgs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
